package dev.tonnage.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.policy.CheckedImage;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.StaleWarning;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the evaluator's {@link Evaluation} into what the webhooks answer: the denial message and
 * warnings as the evaluator wrote them (plus one per image whose facts are stale-if-error ones),
 * the size annotations when a policy asks for them, and the Events of denials and fail-open
 * decisions.
 */
final class DecisionReport {

  static final String IMAGE_SIZES = "tonnage.dev/image-sizes";
  static final String VIOLATIONS = "tonnage.dev/violations";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DecisionReport() {}

  static ReviewDecision of(Evaluation evaluation, Map<ImageReference, FactsOutcome> outcomes) {
    Set<String> warnings = new LinkedHashSet<>(evaluation.warnings());
    warnings.addAll(StaleWarning.of(outcomes.values()));
    return new ReviewDecision(
        evaluation.denialMessage().map(List::of).orElse(List.of()),
        List.copyOf(warnings),
        evaluation.annotate() ? annotations(evaluation, outcomes) : Map.of(),
        AdmissionEvents.of(evaluation),
        !evaluation.waivers().isEmpty(),
        evaluation.verdicts().stream()
            .filter(v -> v.denies() || !v.warnings().isEmpty())
            .map(v -> v.policy().toString())
            .toList(),
        evaluation.verdicts().stream()
            .anyMatch(
                v ->
                    v.action() != PolicyAction.AUDIT && !v.denies() && !v.unavailable().isEmpty()));
  }

  private static Map<String, String> annotations(
      Evaluation evaluation, Map<ImageReference, FactsOutcome> outcomes) {
    Map<String, PlatformFacts> byDigest = new LinkedHashMap<>();
    for (FactsOutcome outcome : outcomes.values()) {
      if (outcome instanceof FactsOutcome.Found found) {
        for (PlatformFacts platform : found.facts().platforms()) {
          byDigest.put(found.facts().digest() + "|" + platform.platform(), platform);
        }
      }
    }
    ArrayNode sizes = JSON.createArrayNode();
    Set<String> seen = new LinkedHashSet<>();
    List<PolicyVerdict> annotating =
        evaluation.verdicts().stream().filter(PolicyVerdict::annotate).toList();
    for (PolicyVerdict verdict : annotating) {
      for (CheckedImage image : verdict.checked()) {
        for (Platform platform : image.platforms()) {
          if (!seen.add(image.container() + "|" + image.image() + "|" + platform)) {
            continue;
          }
          PlatformFacts facts = byDigest.get(image.digest() + "|" + platform);
          ObjectNode entry = sizes.addObject();
          entry.put("container", image.container());
          entry.put("image", image.image());
          entry.put("digest", facts == null ? image.digest() : facts.manifestDigest());
          entry.put("platform", platform.toString());
          if (facts != null) {
            entry.put("compressed", facts.compressedSize());
            if (facts.uncompressedSize() == null) {
              entry.putNull("uncompressed");
            } else {
              entry.put("uncompressed", facts.uncompressedSize().bytes());
            }
            entry.put("layers", facts.layerCount());
          }
        }
      }
    }
    ArrayNode violations = JSON.createArrayNode();
    // Only the findings of the policies that asked: another policy's may be meant to stay quiet.
    for (Violation v : annotating.stream().flatMap(p -> p.violations().stream()).toList()) {
      ObjectNode entry = violations.addObject();
      entry.put("policy", v.policy().toString());
      entry.put("container", v.container());
      entry.put("platform", v.platform() == null ? null : v.platform().toString());
      entry.put("rule", v.rule().name());
      entry.put("actual", v.actual());
      entry.put("limit", v.limit());
      entry.put("uncertain", v.uncertain());
    }
    return Map.of(IMAGE_SIZES, sizes.toString(), VIOLATIONS, violations.toString());
  }

  static Optional<ImageFacts> facts(FactsOutcome outcome) {
    return outcome instanceof FactsOutcome.Found found
        ? Optional.of(found.facts())
        : Optional.empty();
  }
}
