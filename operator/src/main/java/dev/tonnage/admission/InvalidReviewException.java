package dev.tonnage.admission;

/**
 * A request body that is not a usable AdmissionReview. Carries the UID when one could be read, so
 * that the answer can still echo it.
 */
public final class InvalidReviewException extends Exception {

  private final String uid;

  public InvalidReviewException(String uid, String message) {
    super(message);
    this.uid = uid == null ? "" : uid;
  }

  /** The request UID, or "" when none could be read. */
  public String uid() {
    return uid;
  }
}
