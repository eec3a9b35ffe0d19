package dev.tonnage.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.ImageFactsSource;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures the distinct images of one audit, each once, on the audit's own small thread pool and
 * within the per-registry budget. The pool's size is the audit's fetch concurrency: kept below the
 * admission path's so that admission is never starved.
 *
 * <p>Facts measured in the last {@link #REUSE} are reused without a fetch or a budget token, so
 * several policies audited together (at start-up, after a rollout) share one round of fetches
 * instead of each waiting out the budget for images the others just measured.
 */
public final class ImageMeasurer {

  /** How long measured facts serve other audits before the registry engine is asked again. */
  static final Duration REUSE = Duration.ofMinutes(2);

  private final ImageFactsSource source;
  private final RegistryBudget budget;
  private final ExecutorService executor;
  private final Duration timeout;
  private final Cache<InspectionNeed, ImageFacts> recent;

  public ImageMeasurer(
      ImageFactsSource source, RegistryBudget budget, ExecutorService executor, Duration timeout) {
    this(source, budget, executor, timeout, Ticker.systemTicker());
  }

  ImageMeasurer(
      ImageFactsSource source,
      RegistryBudget budget,
      ExecutorService executor,
      Duration timeout,
      Ticker ticker) {
    this.source = source;
    this.budget = budget;
    this.executor = executor;
    this.timeout = timeout;
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(REUSE)
            .maximumSize(20_000)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  /**
   * Facts or the reason they are missing, for every image {@code needs} name; needs for the same
   * image are merged (uncompressed sizes if any asks, every base image candidate).
   */
  public Map<ImageReference, FactsOutcome> measureAll(Collection<InspectionNeed> needs) {
    List<InspectionNeed> distinct = merge(needs);
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

  private FactsOutcome measure(InspectionNeed need) {
    ImageFacts known = recent.getIfPresent(need);
    if (known != null) {
      return FactsOutcome.found(known);
    }
    ImageReference ref = need.reference();
    try {
      budget.acquire(ref.registry());
      ImageFacts facts = source.inspect(need).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      recent.put(need, facts);
      return FactsOutcome.found(facts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FactsOutcome.Unavailable(
          "Interrupted", "the audit was stopped before " + ref + " was measured");
    } catch (TimeoutException e) {
      return new FactsOutcome.Unavailable(
          "Timeout",
          "no facts for " + ref + " within " + timeout.toSeconds() + " s; the registry is slow");
    } catch (Exception e) {
      return FactsOutcome.failed(e);
    }
  }

  private static List<InspectionNeed> merge(Collection<InspectionNeed> needs) {
    Map<ImageReference, InspectionNeed> byImage = new LinkedHashMap<>();
    for (InspectionNeed need : needs) {
      byImage.merge(
          need.reference(),
          need,
          (a, b) -> {
            Set<ImageReference> bases = new LinkedHashSet<>(a.baseImageCandidates());
            bases.addAll(b.baseImageCandidates());
            return new InspectionNeed(
                a.reference(), a.uncompressedSize() || b.uncompressedSize(), List.copyOf(bases));
          });
    }
    return new ArrayList<>(byImage.values());
  }
}
