package dev.tonnage.facts;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one path from images to facts, for the webhook, the audit and the CLI: merges the needs for
 * each image, measures at most a fixed number of images per request, and answers by the deadline
 * with facts or a reason per image. The answer never fails and no thread waits for it: what has not
 * arrived at the deadline is {@link UnavailableReasons#TIMEOUT}, and the fetch goes on to warm the
 * registry engine's cache.
 */
public final class FactsService {

  /**
   * Distinct images one admission review may have measured. A Pod has at most a few dozen
   * containers (init and ephemeral included); beyond that it is abuse, and the rest are {@link
   * UnavailableReasons#TOO_MANY_IMAGES} for the policies' onRegistryError to decide.
   */
  public static final int MAX_IMAGES_PER_REVIEW = 64;

  /**
   * Distinct images one CLI run may measure: a person or CI job names them (or a manifest file
   * does); bounds the fetches one command starts at once.
   */
  public static final int MAX_IMAGES_PER_RUN = 1_000;

  private final ImageInspector inspector;
  private final Clock clock;
  private final int maxImages;

  /** At most {@link #MAX_IMAGES_PER_REVIEW} images per request. */
  public FactsService(ImageInspector inspector, Clock clock) {
    this(inspector, clock, MAX_IMAGES_PER_REVIEW);
  }

  public FactsService(ImageInspector inspector, Clock clock, int maxImagesPerRequest) {
    if (maxImagesPerRequest < 1) {
      throw new IllegalArgumentException(
          "at most " + maxImagesPerRequest + " images per request: must be at least 1");
    }
    this.inspector = Objects.requireNonNull(inspector, "inspector");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxImages = maxImagesPerRequest;
  }

  /**
   * Facts or the reason they are missing, for every image {@code needs} name, by {@code deadline}.
   * Needs for the same image are merged; images past the cap are {@link
   * UnavailableReasons#TOO_MANY_IMAGES} without a fetch. The map follows the order of {@code
   * needs}; the future never completes exceptionally.
   */
  public CompletableFuture<Map<ImageReference, FactsOutcome>> facts(
      Collection<InspectionNeed> needs, RegistryCredentials credentials, Instant deadline) {
    Instant start = clock.instant();
    Map<ImageReference, CompletableFuture<FactsOutcome>> pending = new LinkedHashMap<>();
    for (InspectionNeed need : merge(needs)) {
      pending.put(
          need.reference(),
          pending.size() < maxImages
              ? measure(need, credentials, start, deadline)
              : CompletableFuture.completedFuture(UnavailableReasons.tooManyImages(maxImages)));
    }
    return CompletableFuture.allOf(pending.values().toArray(CompletableFuture<?>[]::new))
        .handle((done, error) -> collect(pending));
  }

  /** The facts of one image, or why they are missing, within {@code timeout} from now. */
  public CompletableFuture<FactsOutcome> facts(
      InspectionNeed need, RegistryCredentials credentials, Duration timeout) {
    Instant start = clock.instant();
    return measure(need, credentials, start, start.plus(timeout));
  }

  /**
   * One need per image, in first-seen order: uncompressed sizes if any need asks for them, every
   * base image candidate any need names.
   */
  public static List<InspectionNeed> merge(Collection<InspectionNeed> needs) {
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

  private CompletableFuture<FactsOutcome> measure(
      InspectionNeed need, RegistryCredentials credentials, Instant start, Instant deadline) {
    ImageReference image = need.reference();
    CompletableFuture<ImageFacts> fetch;
    try {
      fetch =
          inspector.inspect(
              image,
              new InspectRequest(
                  credentials, deadline, need.uncompressedSize(), need.baseImageCandidates()));
      if (fetch == null) {
        fetch =
            CompletableFuture.failedFuture(new IllegalStateException("no future from inspector"));
      }
    } catch (Throwable e) { // every Throwable: a bug in one fetch must not fail the review
      fetch = CompletableFuture.failedFuture(e);
    }
    Duration budget = Duration.between(start, deadline);
    long remaining = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    return fetch
        .handle((facts, error) -> outcome(image, facts, error))
        .completeOnTimeout(
            UnavailableReasons.timeout(image, budget), remaining, TimeUnit.MILLISECONDS);
  }

  private static FactsOutcome outcome(ImageReference image, ImageFacts facts, Throwable error) {
    if (error != null) {
      return UnavailableReasons.of(image, error);
    }
    return facts == null ? UnavailableReasons.internal(image) : FactsOutcome.found(facts);
  }

  private static Map<ImageReference, FactsOutcome> collect(
      Map<ImageReference, CompletableFuture<FactsOutcome>> pending) {
    Map<ImageReference, FactsOutcome> outcomes = new LinkedHashMap<>();
    pending.forEach(
        (image, outcome) ->
            outcomes.put(
                image,
                outcome.isDone() && !outcome.isCompletedExceptionally()
                    ? outcome.join()
                    : UnavailableReasons.internal(image)));
    return outcomes;
  }
}
