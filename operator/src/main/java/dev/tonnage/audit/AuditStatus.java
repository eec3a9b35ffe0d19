package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * The status the audit writes on a policy (DESIGN.md "API"), before it is copied into the policy's
 * status class.
 *
 * @param observedGeneration the metadata.generation this status describes
 * @param conditions the conditions; the audit owns {@code Ready}
 * @param lastAuditTime when the last audit finished (RFC 3339), or null before the first
 * @param summary counts of the last audit, or null when none ran for this generation
 * @param violations at most {@link AuditStatusBuilder#MAX_VIOLATIONS}, most over the limit first
 */
public record AuditStatus(
    Long observedGeneration,
    List<Condition> conditions,
    String lastAuditTime,
    Summary summary,
    List<AuditViolation> violations) {

  public AuditStatus {
    conditions = List.copyOf(conditions);
    violations = List.copyOf(violations);
  }

  /** Counts of one audit; {@code violations} counts all of them, also those not listed. */
  public record Summary(int workloads, int images, int violations, int unresolved) {}

  /** The status before anything was written. */
  public static final AuditStatus EMPTY = new AuditStatus(null, List.of(), null, null, List.of());
}
