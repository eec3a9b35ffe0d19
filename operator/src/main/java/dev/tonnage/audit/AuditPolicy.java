package dev.tonnage.audit;

import dev.tonnage.registry.ImageReference;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy as the audit uses it: compiled once per reconcile, then asked which workloads and images
 * it covers and what it finds. The production implementation delegates every decision to the one
 * {@code PolicyEvaluator} that the webhook and the CLI use, so audit and admission cannot disagree.
 */
public interface AuditPolicy {

  PolicyKey key();

  /**
   * Whether the policy can apply in {@code namespace} at all (its own namespace for an ImagePolicy,
   * namespaceSelector and exclusions for a ClusterImagePolicy, the opt-out label).
   */
  boolean appliesToNamespace(String namespace, Map<String, String> namespaceLabels);

  /**
   * The images of {@code workload} this policy needs facts for; empty when the workload is out of
   * its scope (object selector, image globs, exclusions).
   */
  Set<ImageReference> imagesToInspect(
      AuditedWorkload workload, Map<String, String> namespaceLabels);

  /** The violations of {@code workload}, given the facts the audit obtained for its images. */
  List<AuditViolation> evaluate(
      AuditedWorkload workload,
      Map<String, String> namespaceLabels,
      Map<ImageReference, ImageMeasurement> measurements);
}
