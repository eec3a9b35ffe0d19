package dev.tonnage.admission;

import java.time.Clock;
import java.time.Duration;

/**
 * How reviews are answered.
 *
 * @param budget how long a review may take before missing facts count as unavailable (the webhook's
 *     timeoutSeconds is 10: keep a margin for the network and the API server)
 * @param failurePolicy what an internal error answers
 * @param clock the time source for deadlines
 */
public record AdmissionSettings(Duration budget, FailurePolicy failurePolicy, Clock clock) {

  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(8);

  public AdmissionSettings {
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("the review budget must be positive, got " + budget);
    }
  }
}
