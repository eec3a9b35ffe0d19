package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.events.EventReason;
import dev.tonnage.policy.ByteSize;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.PlatformFacts;
import java.util.Comparator;

/**
 * One violation the audit found: the evaluator's {@link Violation}, the workload running the image,
 * how far over the limit it is, and the Event reason it is recorded with.
 *
 * @param workload the workload running the image
 * @param violation what the evaluator found
 * @param overRatio actual / limit for numeric rules; {@code NaN} for rules without a number (base
 *     images)
 * @param reason the Event reason
 */
public record AuditViolation(
    WorkloadRef workload, Violation violation, double overRatio, EventReason reason) {

  /**
   * Most over the limit first; rules without a number (base images) after every numeric one; then
   * by namespace, kind, name, container, platform and rule so that equal audits write equal
   * statuses.
   */
  public static final Comparator<AuditViolation> BY_HOW_FAR_OVER =
      Comparator.comparingDouble(AuditViolation::rankKey)
          .thenComparing(v -> v.workload().namespace())
          .thenComparing(v -> v.workload().kind())
          .thenComparing(v -> v.workload().name())
          .thenComparing(v -> v.violation().container())
          .thenComparing(v -> String.valueOf(v.violation().platform()))
          .thenComparing(v -> v.violation().rule());

  /**
   * The audit's row for the evaluator's {@code violation} of {@code workload}; {@code limits} (the
   * policy's spec.limits) and the measured {@code facts} give how far over the limit it is.
   */
  public static AuditViolation of(
      WorkloadRef workload, Violation violation, SizeLimits limits, ImageFacts facts) {
    PlatformFacts platform =
        facts == null || violation.platform() == null
            ? null
            : facts.platform(violation.platform()).orElse(null);
    return new AuditViolation(
        workload,
        violation,
        overRatio(violation.rule(), limits, platform),
        switch (violation.rule()) {
          case BASE_IMAGE_DENIED, BASE_IMAGE_NOT_ALLOWED, BASE_IMAGE_UNKNOWN ->
              EventReason.BaseImageNotAllowed;
          default -> EventReason.ImageTooLarge;
        });
  }

  /** This violation as the policy status lists it. */
  public RecordedViolation toStatus() {
    return violation.toStatus(workload.namespace(), workload.kind(), workload.name());
  }

  /** actual / limit of a numeric rule; NaN when there is no number to compare. */
  static double overRatio(Rule rule, SizeLimits limits, PlatformFacts facts) {
    if (limits == null || facts == null) {
      return Double.NaN;
    }
    return switch (rule) {
      case MAX_COMPRESSED_SIZE -> ratio(facts.compressedSize(), limits.getMaxCompressedSize());
      case MAX_UNCOMPRESSED_SIZE ->
          facts.uncompressedSize() == null
              ? Double.NaN
              : ratio(facts.uncompressedSize().bytes(), limits.getMaxUncompressedSize());
      case MAX_LAYER_SIZE -> ratio(facts.largestLayerSize(), limits.getMaxLayerSize());
      case MAX_LAYERS ->
          limits.getMaxLayers() == null
              ? Double.NaN
              : ratio(facts.layerCount(), limits.getMaxLayers().longValue());
      default -> Double.NaN;
    };
  }

  private static double ratio(long actual, String quantity) {
    return quantity == null ? Double.NaN : ratio(actual, ByteSize.parseQuantity(quantity));
  }

  private static double ratio(long actual, long limit) {
    return limit <= 0 ? Double.MAX_VALUE : (double) actual / limit;
  }

  private double rankKey() {
    return Double.isNaN(overRatio) ? Double.POSITIVE_INFINITY : -overRatio;
  }
}
