package dev.tonnage.audit;

import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.PlatformFacts;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Feeds the audit's findings into the operator's {@link TonnageMetrics}. */
public final class TonnageAuditMetrics implements AuditMetrics {

  private final TonnageMetrics metrics;
  private final Clock clock;

  /** Also publishes {@code interval}, which the audit-staleness alert multiplies. */
  public TonnageAuditMetrics(TonnageMetrics metrics, Duration interval, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    metrics.setAuditInterval(interval);
  }

  @Override
  public void imageMeasured(ImageReference image, ImageFacts facts) {
    for (PlatformFacts p : facts.platforms()) {
      if (p.platform().isUnknown()) {
        continue;
      }
      metrics.recordImage(
          image.toString(),
          p.platform().toString(),
          p.compressedSize(),
          p.uncompressedSize() == null ? null : p.uncompressedSize().bytes(),
          p.layerCount());
    }
  }

  @Override
  public void imageForgotten(ImageReference image) {
    metrics.forgetImage(image.toString());
  }

  @Override
  public void namespaceImageBytes(String namespace, long bytes) {
    metrics.setNamespaceImageBytes(namespace, bytes);
  }

  @Override
  public void namespaceForgotten(String namespace) {
    metrics.forgetNamespace(namespace);
  }

  @Override
  public void violations(PolicyRef policy, Map<String, Integer> countByNamespace) {
    metrics.replaceViolations(label(policy), countByNamespace);
  }

  @Override
  public void policyForgotten(PolicyRef policy) {
    metrics.forgetPolicy(label(policy));
  }

  /**
   * The {@code policy} label: the name of a ClusterImagePolicy, {@code namespace/name} of an
   * ImagePolicy, so the two kinds never share a series.
   */
  static String label(PolicyRef policy) {
    return policy.namespace() == null ? policy.name() : policy.namespace() + "/" + policy.name();
  }

  @Override
  public void leader(boolean leading) {
    metrics.setAuditLeader(leading);
  }

  @Override
  public void leaseFailed() {
    metrics.auditLeaseFailed();
  }

  /** Any finished audit counts: unmeasurable images have their own alert (registry errors). */
  @Override
  public void auditCompleted(PolicyRef policy, Duration duration, boolean complete) {
    metrics.auditCompleted(clock.instant());
  }
}
