package dev.tonnage.facts;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles uncertain verdicts after the review that found them, without making it wait: streams the
 * layers behind them through the registry engine (digest verified, bounded stream executor), which
 * remembers each exact size by layer digest, so later reviews of any image with those layers are
 * exact. A layer already streaming is not streamed twice; beyond {@code maxInFlight} layers, new
 * ones wait for a later review.
 */
public final class BackgroundSettler {

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundSettler.class);

  /** Compressed bytes one review may start streaming. */
  public static final long MAX_BYTES_PER_REVIEW = 1L << 30;

  /** Layers streaming at once, over every review. */
  public static final int MAX_IN_FLIGHT = 64;

  /** How long streaming one layer may take. */
  public static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

  /** Never streams: uncertain verdicts stay uncertain. */
  public static final BackgroundSettler OFF = new BackgroundSettler(null, 0, 0);

  private final Function<RegistryCredentials, LayerSettler> settlers;
  private final long maxBytesPerReview;
  private final int maxInFlight;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * Streams with the settler {@code settlers} makes for a review's credentials, at most {@code
   * maxBytesPerReview} compressed bytes per review and {@code maxInFlight} layers at once.
   */
  public BackgroundSettler(
      Function<RegistryCredentials, LayerSettler> settlers,
      long maxBytesPerReview,
      int maxInFlight) {
    this.settlers = settlers;
    this.maxBytesPerReview = maxBytesPerReview;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Starts streaming the layers behind {@code uncertain} (violations the measurement could not
   * decide) with {@code credentials}; returns at once.
   */
  public void settleLater(
      Collection<Violation> uncertain,
      Map<ImageReference, FactsOutcome> facts,
      RegistryCredentials credentials) {
    if (settlers == null || uncertain.isEmpty()) {
      return;
    }
    UncertainLayers.Plan plan =
        UncertainLayers.plan(
            UncertainLayers.uncertainPlatforms(uncertain), facts, maxBytesPerReview);
    if (plan.isEmpty()) {
      return;
    }
    LayerSettler settler = settlers.apply(credentials);
    for (UncertainLayers.Layer layer : plan.layers()) {
      String digest = layer.layer().digest();
      if (inFlight.size() >= maxInFlight || !inFlight.add(digest)) {
        continue;
      }
      try {
        settler
            .settle(layer.image(), layer.layer())
            .whenComplete(
                (size, error) -> {
                  inFlight.remove(digest);
                  if (error != null) {
                    LOG.debug(
                        "layer {} of {} could not be settled: {}",
                        digest,
                        layer.image(),
                        error.getMessage());
                  } else {
                    LOG.debug("layer {} of {} settled: {} bytes", digest, layer.image(), size);
                  }
                });
      } catch (RuntimeException e) {
        inFlight.remove(digest);
        LOG.debug("layer {} of {} could not be settled", digest, layer.image(), e);
      }
    }
  }

  /** Layers streaming now (tests, metrics). */
  public int inFlight() {
    return inFlight.size();
  }
}
