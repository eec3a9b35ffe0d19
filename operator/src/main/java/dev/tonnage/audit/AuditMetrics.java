package dev.tonnage.audit;

import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.Map;

/**
 * What the audit reports to metrics. {@link TonnageAuditMetrics} feeds {@code TonnageMetrics};
 * {@link AuditMetricsLedger} decides when series appear and disappear.
 */
public interface AuditMetrics {

  /** An image was measured: publish its sizes. */
  void imageMeasured(ImageReference image, ImageFacts facts);

  /** No audited workload runs {@code image} any more: drop its series. */
  void imageForgotten(ImageReference image);

  /** The total compressed size of the distinct images {@code namespace}'s workloads run. */
  void namespaceImageBytes(String namespace, long bytes);

  /** No audited workload runs in {@code namespace} any more: drop its weight series. */
  void namespaceForgotten(String namespace);

  /** The policy's violations per namespace; namespaces left out lose their series. */
  void violations(PolicyRef policy, Map<String, Integer> countByNamespace);

  /** The policy is gone: drop every series it had. */
  void policyForgotten(PolicyRef policy);

  /** One audit finished. */
  void auditCompleted(PolicyRef policy, Duration duration, boolean complete);

  /** Whether this replica audits now (holds the Lease, or runs without leader election). */
  default void leader(boolean leading) {}

  /** A call to read, take or renew the audit Lease failed. */
  default void leaseFailed() {}

  /** Reports nothing. */
  AuditMetrics NONE =
      new AuditMetrics() {
        @Override
        public void imageMeasured(ImageReference image, ImageFacts facts) {}

        @Override
        public void imageForgotten(ImageReference image) {}

        @Override
        public void namespaceImageBytes(String namespace, long bytes) {}

        @Override
        public void namespaceForgotten(String namespace) {}

        @Override
        public void violations(PolicyRef policy, Map<String, Integer> countByNamespace) {}

        @Override
        public void policyForgotten(PolicyRef policy) {}

        @Override
        public void auditCompleted(PolicyRef policy, Duration duration, boolean complete) {}

        @Override
        public String toString() {
          return "AuditMetrics.NONE";
        }
      };
}
