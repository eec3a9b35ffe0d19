package dev.tonnage.audit;

import dev.tonnage.policy.PolicyRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param excepted how many workloads had a violation waived by an ImagePolicyException
 * @param exceptedByException per exception ({@code namespace/name}), the workloads it waived
 */
public record AuditOutcome(
    PolicyRef policy,
    int workloads,
    int images,
    List<AuditViolation> violations,
    int unresolved,
    List<String> registryErrors,
    int fetches,
    Duration duration,
    int excepted,
    Map<String, Integer> exceptedByException) {

  public AuditOutcome {
    violations = List.copyOf(violations);
    registryErrors = List.copyOf(registryErrors);
    exceptedByException = Map.copyOf(exceptedByException);
  }

  /** An outcome no exception took part in. */
  public AuditOutcome(
      PolicyRef policy,
      int workloads,
      int images,
      List<AuditViolation> violations,
      int unresolved,
      List<String> registryErrors,
      int fetches,
      Duration duration) {
    this(
        policy,
        workloads,
        images,
        violations,
        unresolved,
        registryErrors,
        fetches,
        duration,
        0,
        Map.of());
  }
}
