package dev.tonnage.metrics;

import java.util.Locale;

/**
 * How one AdmissionReview was answered: the {@code decision} label of {@code
 * tonnage_admission_reviews_total}. A closed set, so the label stays bounded.
 */
public enum AdmissionDecision {
  /** Allowed with no warning. */
  ALLOWED,
  /** Allowed with at least one admission warning (Warn policies, unreachable registries). */
  WARNED,
  /**
   * Allowed because an ImagePolicyException waived at least one violation (with a warning naming
   * it); violations it does not cover still deny.
   */
  EXCEPTED,
  /** Denied by an Enforce policy. */
  DENIED,
  /** The webhook failed to evaluate the request and answered with an error. */
  ERROR;

  /** The label value: the constant's name in lower case, e.g. {@code denied}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
