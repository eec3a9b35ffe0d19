package dev.tonnage.audit;

import dev.tonnage.registry.ImageReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides the lifecycle of the audit's metric series: an image's series lives while at least one
 * policy's latest audit saw it running; a namespace's violation gauge is set to 0 once its
 * violations are gone, and every series of a deleted policy is dropped.
 */
public final class AuditMetricsLedger {

  private final AuditMetrics metrics;
  private final Map<PolicyKey, Set<ImageReference>> imagesByPolicy = new HashMap<>();
  private final Map<ImageReference, Integer> policiesByImage = new HashMap<>();
  private final Map<PolicyKey, Set<String>> namespacesWithViolations = new HashMap<>();

  public AuditMetricsLedger(AuditMetrics metrics) {
    this.metrics = metrics;
  }

  /** Publishes one audit: measured images, violation counts per namespace, completion. */
  public synchronized void audited(
      PolicyKey policy,
      Map<ImageReference, ImageMeasurement> measurements,
      Map<String, Integer> violationsByNamespace,
      AuditOutcome outcome) {
    for (Map.Entry<ImageReference, ImageMeasurement> e : measurements.entrySet()) {
      if (e.getValue() instanceof ImageMeasurement.Measured measured) {
        metrics.imageMeasured(e.getKey(), measured.facts());
      }
    }
    replaceImages(policy, new HashSet<>(measurements.keySet()));

    Set<String> previous = namespacesWithViolations.getOrDefault(policy, Set.of());
    for (String namespace : previous) {
      if (!violationsByNamespace.containsKey(namespace)) {
        metrics.violations(policy, namespace, 0);
      }
    }
    violationsByNamespace.forEach(
        (namespace, count) -> metrics.violations(policy, namespace, count));
    namespacesWithViolations.put(policy, new HashSet<>(violationsByNamespace.keySet()));
    metrics.auditCompleted(policy, outcome.duration(), outcome.unresolved() == 0);
  }

  /** The policy was deleted or became invalid: its series go, and images only it saw go too. */
  public synchronized void forget(PolicyKey policy) {
    replaceImages(policy, Set.of());
    imagesByPolicy.remove(policy);
    namespacesWithViolations.remove(policy);
    metrics.policyForgotten(policy);
  }

  private void replaceImages(PolicyKey policy, Set<ImageReference> current) {
    Set<ImageReference> before = imagesByPolicy.getOrDefault(policy, Set.of());
    for (ImageReference image : current) {
      if (!before.contains(image)) {
        policiesByImage.merge(image, 1, Integer::sum);
      }
    }
    for (ImageReference image : before) {
      if (!current.contains(image)
          && policiesByImage.merge(image, -1, (a, b) -> a + b == 0 ? null : a + b) == null) {
        metrics.imageForgotten(image);
      }
    }
    imagesByPolicy.put(policy, current);
  }
}
