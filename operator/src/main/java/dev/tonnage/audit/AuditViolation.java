package dev.tonnage.audit;

import java.util.Comparator;

/**
 * One broken rule found by the audit, as a status row of DESIGN.md plus what the audit needs to
 * rank it and to record an Event.
 *
 * @param workload the workload running the image
 * @param container the container name
 * @param image the image as normalized by the evaluator
 * @param digest the digest measured, or null
 * @param platform the platform whose facts broke the rule, or null when platform-independent
 * @param rule the spec field of the rule, e.g. {@code limits.maxCompressedSize}
 * @param actual the measured value, human-readable
 * @param limit the limit, human-readable
 * @param message the evaluator's message
 * @param overRatio actual / limit for numeric rules; {@code NaN} for rules without a number (base
 *     images)
 * @param reason the Event reason this violation is recorded with
 */
public record AuditViolation(
    WorkloadRef workload,
    String container,
    String image,
    String digest,
    String platform,
    String rule,
    String actual,
    String limit,
    String message,
    double overRatio,
    EventReason reason) {

  /**
   * Most over the limit first; rules without a number (base images) after every numeric one; then
   * by namespace, kind, name, container and platform so that equal audits write equal statuses.
   */
  public static final Comparator<AuditViolation> BY_HOW_FAR_OVER =
      Comparator.comparingDouble(AuditViolation::rankKey)
          .thenComparing(v -> v.workload().namespace())
          .thenComparing(v -> v.workload().kind())
          .thenComparing(v -> v.workload().name())
          .thenComparing(AuditViolation::container)
          .thenComparing(v -> v.platform() == null ? "" : v.platform())
          .thenComparing(AuditViolation::rule);

  private double rankKey() {
    return Double.isNaN(overRatio) ? Double.POSITIVE_INFINITY : -overRatio;
  }
}
