package dev.tonnage.audit;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.PlatformFacts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides the lifecycle of the audit's metric series, over all policies: an image's series lives
 * while at least one policy's latest audit saw it running; a namespace's weight is the compressed
 * size of the distinct images any policy's latest audit saw there; every series of a deleted policy
 * goes, and so do images and namespaces only it saw.
 */
public final class AuditMetricsLedger {

  private final AuditMetrics metrics;
  private final Map<PolicyRef, Map<String, Set<ImageReference>>> seen = new HashMap<>();
  private final Map<ImageReference, Integer> policiesByImage = new HashMap<>();
  private final Map<ImageReference, Long> compressedSize = new HashMap<>();

  public AuditMetricsLedger(AuditMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Publishes one audit.
   *
   * @param imagesByNamespace the images the audit saw running, per namespace
   * @param violationsByNamespace the violation counts, per namespace with any
   */
  public synchronized void audited(
      PolicyRef policy,
      Map<ImageReference, FactsOutcome> measurements,
      Map<String, Set<ImageReference>> imagesByNamespace,
      Map<String, Integer> violationsByNamespace,
      AuditOutcome outcome) {
    for (Map.Entry<ImageReference, FactsOutcome> e : measurements.entrySet()) {
      if (e.getValue() instanceof FactsOutcome.Found measured) {
        metrics.imageMeasured(e.getKey(), measured.facts());
        measured.facts().platforms().stream()
            .filter(p -> !p.platform().isUnknown())
            .findFirst()
            .map(PlatformFacts::compressedSize)
            .ifPresent(size -> compressedSize.put(e.getKey(), size));
      }
    }
    replace(policy, imagesByNamespace);
    metrics.violations(policy, violationsByNamespace);
    metrics.auditCompleted(policy, outcome.duration(), outcome.unresolved() == 0);
  }

  /** The policy was deleted or became invalid: its series go, and what only it saw goes too. */
  public synchronized void forget(PolicyRef policy) {
    replace(policy, Map.of());
    seen.remove(policy);
    metrics.policyForgotten(policy);
  }

  private void replace(PolicyRef policy, Map<String, Set<ImageReference>> current) {
    Map<String, Set<ImageReference>> before = seen.getOrDefault(policy, Map.of());
    Set<ImageReference> imagesBefore = union(before);
    Set<ImageReference> imagesNow = union(current);
    for (ImageReference image : imagesNow) {
      if (!imagesBefore.contains(image)) {
        policiesByImage.merge(image, 1, Integer::sum);
      }
    }
    for (ImageReference image : imagesBefore) {
      if (!imagesNow.contains(image)
          && policiesByImage.merge(image, -1, (a, b) -> a + b == 0 ? null : a + b) == null) {
        compressedSize.remove(image);
        metrics.imageForgotten(image);
      }
    }
    seen.put(policy, Map.copyOf(current));

    Set<String> namespaces = new HashSet<>(before.keySet());
    namespaces.addAll(current.keySet());
    for (String namespace : namespaces) {
      Set<ImageReference> running = new HashSet<>();
      seen.values().forEach(byNs -> running.addAll(byNs.getOrDefault(namespace, Set.of())));
      if (running.isEmpty()) {
        metrics.namespaceForgotten(namespace);
      } else {
        metrics.namespaceImageBytes(
            namespace, running.stream().mapToLong(i -> compressedSize.getOrDefault(i, 0L)).sum());
      }
    }
  }

  private static Set<ImageReference> union(Map<String, Set<ImageReference>> byNamespace) {
    Set<ImageReference> all = new HashSet<>();
    byNamespace.values().forEach(all::addAll);
    return all;
  }
}
