package dev.tonnage.policy;

/**
 * A violation an exception waived: it neither denies nor warns as a violation, and the audit counts
 * its workload as excepted.
 *
 * @param violation what the policy found
 * @param exception the exception that waives it
 */
public record Waiver(Violation violation, CompiledException exception) {

  /**
   * The admission warning, at most {@value Violation#MAX_WARNING_LENGTH} characters, naming the
   * exception and its expiry first (the image is shortened, then cut, to fit), e.g. {@code
   * exception tonnage/ml-q1 (until 2027-03-31T00:00:00Z) waives slim maxLayers: ghcr.io/a/m:1}.
   */
  public String warning() {
    String until = exception.expiresAt().map(Object::toString).orElse("no expiry");
    String head =
        "exception "
            + exception.displayName()
            + " (until "
            + until
            + ") waives "
            + violation.policy().name()
            + " "
            + violation.rule().exceptionName()
            + ": ";
    int room = Violation.MAX_WARNING_LENGTH - head.length();
    return Warnings.fit(
        head + Warnings.shorten(violation.image(), room), Violation.MAX_WARNING_LENGTH);
  }
}
