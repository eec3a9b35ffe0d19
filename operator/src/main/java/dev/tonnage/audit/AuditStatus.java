package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.AuditSummary;
import dev.tonnage.api.v1alpha1.ImagePolicyStatus;
import dev.tonnage.api.v1alpha1.RecordedViolation;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * The status the audit writes on a policy (docs/audit.md "Status"): an immutable value that {@link
 * AuditStatusBuilder} computes and {@link #toResourceStatus()} turns into the CRD's class.
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
    List<RecordedViolation> violations) {

  /** Caps every field on the way in (see {@link StatusLimits}), whoever wrote the values. */
  public AuditStatus {
    conditions =
        conditions.stream().limit(StatusLimits.MAX_CONDITIONS).map(StatusLimits::capped).toList();
    violations =
        violations.stream()
            .limit(AuditStatusBuilder.MAX_VIOLATIONS)
            .map(StatusLimits::capped)
            .toList();
  }

  /** Counts of one audit; {@code violations} counts all of them, also those not listed. */
  public record Summary(int workloads, int images, int violations, int unresolved, int excepted) {

    /** Counts of an audit no exception took part in. */
    public Summary(int workloads, int images, int violations, int unresolved) {
      this(workloads, images, violations, unresolved, 0);
    }
  }

  /** The status before anything was written. */
  public static final AuditStatus EMPTY = new AuditStatus(null, List.of(), null, null, List.of());

  /** Reads a policy's status; {@link #EMPTY} when it has none. */
  public static AuditStatus of(ImagePolicyStatus status) {
    if (status == null) {
      return EMPTY;
    }
    AuditSummary s = status.getSummary();
    return new AuditStatus(
        status.getObservedGeneration(),
        status.getConditions() == null ? List.of() : status.getConditions(),
        status.getLastAuditTime(),
        s == null
            ? null
            : new Summary(
                zeroIfNull(s.getWorkloads()),
                zeroIfNull(s.getImages()),
                zeroIfNull(s.getViolations()),
                zeroIfNull(s.getUnresolved()),
                zeroIfNull(s.getExcepted())),
        status.getViolations() == null ? List.of() : status.getViolations());
  }

  /** This status as the policy resource carries it. */
  public ImagePolicyStatus toResourceStatus() {
    ImagePolicyStatus status = new ImagePolicyStatus();
    status.setObservedGeneration(observedGeneration);
    status.setConditions(conditions);
    status.setLastAuditTime(lastAuditTime);
    if (summary != null) {
      AuditSummary s = new AuditSummary();
      s.setWorkloads(summary.workloads());
      s.setImages(summary.images());
      s.setViolations(summary.violations());
      s.setUnresolved(summary.unresolved());
      s.setExcepted(summary.excepted());
      status.setSummary(s);
    }
    status.setViolations(violations);
    return status;
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }
}
