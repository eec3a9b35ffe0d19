package dev.tonnage.audit;

import dev.tonnage.policy.PolicyRef;
import java.time.Duration;
import java.util.List;

/**
 * The result of one audit of one policy, before it becomes a status.
 *
 * @param policy the policy audited
 * @param workloads how many workloads the policy covers
 * @param images how many distinct images those workloads run
 * @param violations every violation found, in no particular order
 * @param unresolved how many of those images could not be measured
 * @param registryErrors one line per unresolved image, naming the image and the cause
 * @param fetches how many image fetches the audit made (one per distinct image)
 * @param duration how long the audit took
 */
public record AuditOutcome(
    PolicyRef policy,
    int workloads,
    int images,
    List<AuditViolation> violations,
    int unresolved,
    List<String> registryErrors,
    int fetches,
    Duration duration) {

  public AuditOutcome {
    violations = List.copyOf(violations);
    registryErrors = List.copyOf(registryErrors);
  }
}
