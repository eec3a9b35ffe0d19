package dev.tonnage.audit;

import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import java.util.List;

/**
 * Where the audit hands each policy's per-workload findings, beyond the policy's own status: e.g.
 * the PolicyReports of each namespace. Called once per audit of a policy, and once when a policy is
 * deleted or stops being in force.
 */
public interface AuditResults {

  /** Keeps nothing. */
  AuditResults NONE =
      new AuditResults() {
        @Override
        public void audited(CompiledPolicy policy, List<WorkloadFindings> findings) {
          // nothing kept
        }

        @Override
        public void forget(PolicyRef policy) {
          // nothing kept
        }
      };

  /** The complete findings of one audit of {@code policy}: every workload it covers. */
  void audited(CompiledPolicy policy, List<WorkloadFindings> findings);

  /** {@code policy} is gone or not in force: its findings go. */
  void forget(PolicyRef policy);

  /**
   * What one audit found in one covered workload.
   *
   * @param workload the workload
   * @param violations the rules its images break (uncertain ones included)
   * @param unavailable its images that could not be measured
   */
  record WorkloadFindings(
      WorkloadRef workload, List<Violation> violations, List<UnavailableFacts> unavailable) {

    public WorkloadFindings {
      violations = List.copyOf(violations);
      unavailable = List.copyOf(unavailable);
    }
  }
}
