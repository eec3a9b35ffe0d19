package dev.tonnage.cli;

import dev.tonnage.facts.LayerSettler;
import dev.tonnage.facts.UncertainLayers;
import dev.tonnage.policy.ByteSize;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Settles the uncertain verdicts of one check: streams the layers behind uncertain uncompressed
 * sizes (each verified against its digest, all within {@code --max-stream} compressed bytes), then
 * measures those images again, now exactly. What cannot be streamed stays uncertain, with the
 * reason.
 */
final class UncertainSettlement {

  /**
   * The facts after settling.
   *
   * @param facts every image's facts, the settled ones measured again
   * @param unsettled why layers behind an uncertain verdict were not streamed, one line each
   */
  record Result(Map<ImageReference, FactsOutcome> facts, List<String> unsettled) {}

  private final LayerSettler settler;
  private final long maxBytes;

  /** Streams through {@code settler}, at most {@code maxBytes} compressed bytes in all. */
  UncertainSettlement(LayerSettler settler, long maxBytes) {
    this.settler = settler;
    this.maxBytes = maxBytes;
  }

  /**
   * Settles the verdicts {@code uncertain} names (the violations of Enforce and Warn policies that
   * the measurement could not decide) by {@code deadline}; {@code remeasure} measures the images
   * whose layers were settled again.
   */
  Result settle(
      Collection<Violation> uncertain,
      Map<ImageReference, FactsOutcome> facts,
      Function<Set<ImageReference>, Map<ImageReference, FactsOutcome>> remeasure,
      Instant deadline) {
    UncertainLayers.Plan plan =
        UncertainLayers.plan(UncertainLayers.uncertainPlatforms(uncertain), facts, maxBytes);
    List<String> unsettled = new ArrayList<>();
    for (UncertainLayers.Layer skipped : plan.overBudget()) {
      unsettled.add(
          describe(skipped)
              + " not streamed: over --max-stream "
              + ByteSize.format(maxBytes)
              + " (raise it to settle the verdict)");
    }
    Map<UncertainLayers.Layer, CompletableFuture<?>> streams = new LinkedHashMap<>();
    for (UncertainLayers.Layer layer : plan.layers()) {
      streams.put(layer, settler.settle(layer.image(), layer.layer()));
    }
    Set<ImageReference> settled = new LinkedHashSet<>();
    streams.forEach(
        (layer, stream) -> {
          String failure = await(stream, deadline);
          if (failure == null) {
            settled.add(layer.image());
          } else {
            unsettled.add(describe(layer) + " could not be streamed: " + failure);
          }
        });
    if (settled.isEmpty()) {
      return new Result(facts, unsettled);
    }
    Map<ImageReference, FactsOutcome> merged = new LinkedHashMap<>(facts);
    merged.putAll(remeasure.apply(settled));
    return new Result(merged, unsettled);
  }

  /** Null once {@code stream} completed, else why it did not by {@code deadline}. */
  private static String await(CompletableFuture<?> stream, Instant deadline) {
    long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    try {
      stream.get(wait, TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      stream.cancel(true);
      return "--timeout reached";
    } catch (ExecutionException e) {
      return e.getCause() == null ? e.toString() : e.getCause().getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String describe(UncertainLayers.Layer layer) {
    return "layer "
        + layer.layer().digest()
        + " ("
        + ByteSize.format(layer.layer().size())
        + " compressed) of "
        + layer.image();
  }
}
