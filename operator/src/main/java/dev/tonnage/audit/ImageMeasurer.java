package dev.tonnage.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tonnage.facts.FactsService;
import dev.tonnage.facts.LayerSettler;
import dev.tonnage.facts.UnavailableReasons;
import dev.tonnage.facts.UncertainLayers;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Measures the distinct images of one audit, each once, through the one {@link FactsService}, on
 * the audit's own fixed-size thread pool and within the per-registry budget. A pool thread waits
 * for its registry's budget and then for the facts: the pool's size is the audit's fetch
 * concurrency, kept below the admission path's so that admission is never starved.
 *
 * <p>Facts measured in the last {@link #REUSE} are reused without a fetch or a budget token, so
 * several policies audited together (at start-up, after a rollout) share one round of fetches
 * instead of each waiting out the budget for images the others just measured. The reuse cache holds
 * at most {@link #REUSE_MAX_BYTES} of facts (estimated); what it evicts is fetched again.
 */
public final class ImageMeasurer {

  /** How long measured facts serve other audits before the registry engine is asked again. */
  static final Duration REUSE = Duration.ofMinutes(2);

  /**
   * Estimated bytes of facts the reuse cache holds: about a thousand images of a few dozen layers;
   * mostly the objects the registry engine's cache holds too, so this bounds what the audit alone
   * keeps alive, whatever histories and labels the images carry.
   */
  static final long REUSE_MAX_BYTES = 32L * 1024 * 1024;

  private final FactsService facts;
  private final RegistryCredentials credentials;
  private final RegistryBudget budget;
  private final ExecutorService executor;
  private final Duration timeout;
  private final Cache<InspectionNeed, ImageFacts> recent;
  private final Streaming streaming;

  /**
   * How uncertain uncompressed sizes are settled: by {@code settler}, streaming at most {@code
   * maxBytesPerAudit} compressed bytes per audit (0 turns settling off), each layer within {@code
   * timeout}.
   */
  public record Streaming(LayerSettler settler, long maxBytesPerAudit, Duration timeout) {

    /** Never streams: uncertain verdicts stay uncertain. */
    public static final Streaming OFF = new Streaming(null, 0, Duration.ZERO);
  }

  /**
   * Where facts come from: {@code facts} with {@code credentials}, each image within {@code
   * timeout} once its registry's budget allowed the fetch.
   */
  public record Source(FactsService facts, RegistryCredentials credentials, Duration timeout) {}

  public ImageMeasurer(Source source, RegistryBudget budget, ExecutorService executor) {
    this(source, budget, executor, Streaming.OFF);
  }

  public ImageMeasurer(
      Source source, RegistryBudget budget, ExecutorService executor, Streaming streaming) {
    this(source, budget, executor, streaming, Ticker.systemTicker());
  }

  ImageMeasurer(
      Source source,
      RegistryBudget budget,
      ExecutorService executor,
      Streaming streaming,
      Ticker ticker) {
    this.facts = source.facts();
    this.credentials = source.credentials();
    this.timeout = source.timeout();
    this.budget = budget;
    this.executor = executor;
    this.streaming = streaming;
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(REUSE)
            .maximumWeight(REUSE_MAX_BYTES)
            .weigher(
                (InspectionNeed need, ImageFacts value) ->
                    (int) Math.min(Integer.MAX_VALUE, value.estimatedBytes()))
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  /**
   * Facts or the reason they are missing, for every image {@code needs} name; needs for the same
   * image are merged (uncompressed sizes if any asks, every base image candidate).
   */
  public Map<ImageReference, FactsOutcome> measureAll(Collection<InspectionNeed> needs) {
    List<InspectionNeed> distinct = FactsService.merge(needs);
    List<CompletableFuture<FactsOutcome>> futures = new ArrayList<>(distinct.size());
    for (InspectionNeed need : distinct) {
      futures.add(CompletableFuture.supplyAsync(() -> measure(need), executor));
    }
    Map<ImageReference, FactsOutcome> result = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      result.put(distinct.get(i).reference(), futures.get(i).join());
    }
    return result;
  }

  /** Measures {@code needs} again, past the reuse window: after their layers were settled. */
  public Map<ImageReference, FactsOutcome> remeasure(Collection<InspectionNeed> needs) {
    recent.invalidateAll(needs);
    return measureAll(needs);
  }

  /**
   * Streams every layer of the given images' platforms whose uncompressed size is only bounded,
   * each layer once, within the per-audit byte budget and the registry budget; returns the images
   * at least one of whose layers was settled (to be measured again). Layers that cannot be streamed
   * (foreign, too large) are skipped: their verdict stays uncertain.
   */
  public Set<ImageReference> settle(
      Map<ImageReference, Set<Platform>> uncertain, Map<ImageReference, FactsOutcome> facts) {
    if (streaming.settler() == null || streaming.maxBytesPerAudit() <= 0 || uncertain.isEmpty()) {
      return Set.of();
    }
    Set<ImageReference> settled = new LinkedHashSet<>();
    for (UncertainLayers.Layer layer :
        UncertainLayers.plan(uncertain, facts, streaming.maxBytesPerAudit()).layers()) {
      if (stream(layer.image(), layer.layer())) {
        settled.add(layer.image());
      }
    }
    return settled;
  }

  private boolean stream(ImageReference image, LayerFacts layer) {
    try {
      budget.acquire(image.registry());
      streaming
          .settler()
          .settle(image, layer)
          .get(streaming.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private FactsOutcome measure(InspectionNeed need) {
    ImageFacts known = recent.getIfPresent(need);
    if (known != null) {
      return FactsOutcome.found(known);
    }
    ImageReference ref = need.reference();
    Duration paused = budget.pausedFor(ref.registry());
    if (!paused.isZero()) {
      return UnavailableReasons.paused(ref, paused);
    }
    try {
      budget.acquire(ref.registry());
      FactsOutcome outcome = facts.facts(need, credentials, timeout).get();
      if (outcome instanceof FactsOutcome.Found found) {
        recent.put(need, found.facts());
      } else if (outcome instanceof FactsOutcome.Unavailable missing
          && missing.retryAfter() != null) {
        budget.pause(ref.registry(), missing.retryAfter());
      }
      return outcome;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FactsOutcome.Unavailable(
          UnavailableReasons.INTERNAL, "the audit was stopped before " + ref + " was measured");
    } catch (ExecutionException e) { // the facts path never fails; kept total all the same
      return UnavailableReasons.of(ref, e);
    }
  }
}
