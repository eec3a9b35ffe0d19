package dev.tonnage.audit;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;

/**
 * What the audit reports to metrics. The production implementation feeds {@code TonnageMetrics};
 * the {@link AuditMetricsLedger} decides when series appear and disappear.
 */
public interface AuditMetrics {

  /** An image was measured: publish its sizes. */
  void imageMeasured(ImageReference image, ImageFacts facts);

  /** No audited workload runs {@code image} any more: drop its series. */
  void imageForgotten(ImageReference image);

  /** Violations of {@code policy} in {@code namespace} (0 clears a namespace that had some). */
  void violations(PolicyKey policy, String namespace, int count);

  /** The policy is gone: drop every series it had. */
  void policyForgotten(PolicyKey policy);

  /** One audit finished. */
  void auditCompleted(PolicyKey policy, Duration duration, boolean complete);

  /** Reports nothing. */
  AuditMetrics NONE =
      new AuditMetrics() {
        @Override
        public void imageMeasured(ImageReference image, ImageFacts facts) {}

        @Override
        public void imageForgotten(ImageReference image) {}

        @Override
        public void violations(PolicyKey policy, String namespace, int count) {}

        @Override
        public void policyForgotten(PolicyKey policy) {}

        @Override
        public void auditCompleted(PolicyKey policy, Duration duration, boolean complete) {}

        @Override
        public String toString() {
          return "AuditMetrics.NONE";
        }
      };
}
