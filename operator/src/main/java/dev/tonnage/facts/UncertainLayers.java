package dev.tonnage.facts;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers to stream to settle uncertain uncompressed-size verdicts: the layers, on the
 * uncertain platforms, whose size is only bounded (a gzip trailer that may have wrapped) or
 * unknown, each once, within a budget of compressed bytes. The webhook, the audit and the CLI
 * settle the same layers; only how they wait for the streams differs.
 */
public final class UncertainLayers {

  private UncertainLayers() {}

  /**
   * One layer to stream.
   *
   * @param image the image (registry and repository) that holds it
   * @param layer the layer
   */
  public record Layer(ImageReference image, LayerFacts layer) {}

  /**
   * The layers to stream and those left out.
   *
   * @param layers within the budget, in image and layer order
   * @param bytes their compressed bytes
   * @param overBudget layers that would have passed the budget: their verdicts stay uncertain
   */
  public record Plan(List<Layer> layers, long bytes, List<Layer> overBudget) {

    public boolean isEmpty() {
      return layers.isEmpty();
    }
  }

  /**
   * The violations of Enforce and Warn policies among {@code verdicts} that the measurement could
   * not decide: what settling is for (an Audit verdict never gates, and the audit settles its own).
   */
  public static List<Violation> uncertainOf(Collection<PolicyVerdict> verdicts) {
    return verdicts.stream()
        .filter(v -> v.action() != PolicyAction.AUDIT)
        .flatMap(v -> v.violations().stream())
        .filter(Violation::uncertain)
        .toList();
  }

  /** The images and platforms whose uncompressed-size verdict is uncertain among {@code found}. */
  public static Map<ImageReference, Set<Platform>> uncertainPlatforms(Collection<Violation> found) {
    Map<ImageReference, Set<Platform>> uncertain = new LinkedHashMap<>();
    for (Violation v : found) {
      if (v.uncertain() && v.rule() == Rule.MAX_UNCOMPRESSED_SIZE && v.platform() != null) {
        try {
          uncertain
              .computeIfAbsent(ImageReference.parse(v.image()), r -> new HashSet<>())
              .add(v.platform());
        } catch (IllegalArgumentException e) {
          // An unparseable image has no facts, so no verdict to settle.
        }
      }
    }
    return uncertain;
  }

  /**
   * The inexact layers of the {@code uncertain} platforms, each digest once, as long as their
   * compressed sizes add up to at most {@code maxBytes}.
   */
  public static Plan plan(
      Map<ImageReference, Set<Platform>> uncertain,
      Map<ImageReference, FactsOutcome> facts,
      long maxBytes) {
    List<Layer> layers = new ArrayList<>();
    List<Layer> overBudget = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long spent = 0;
    for (Map.Entry<ImageReference, Set<Platform>> e : uncertain.entrySet()) {
      if (!(facts.get(e.getKey()) instanceof FactsOutcome.Found found)) {
        continue;
      }
      for (PlatformFacts platform : found.facts().platforms()) {
        if (!e.getValue().contains(platform.platform())) {
          continue;
        }
        for (LayerFacts layer : platform.layers()) {
          boolean inexact = layer.uncompressedSize() == null || !layer.uncompressedSize().exact();
          if (!inexact || !seen.add(layer.digest())) {
            continue;
          }
          if (layer.size() > maxBytes - spent) {
            overBudget.add(new Layer(e.getKey(), layer));
            continue;
          }
          spent += layer.size();
          layers.add(new Layer(e.getKey(), layer));
        }
      }
    }
    return new Plan(layers, spent, overBudget);
  }
}
