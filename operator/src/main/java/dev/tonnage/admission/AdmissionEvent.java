package dev.tonnage.admission;

/**
 * An Event that a review asks to record on the admitted object, naming the policy as the related
 * object.
 *
 * @param reason {@code ImageTooLarge}, {@code BaseImageNotAllowed}, {@code ImageFactsUnavailable}
 *     or {@code ImageExceptionApplied}
 * @param message what happened, for {@code kubectl describe} and {@code kubectl get events}
 * @param policy the policy that decided, or the exception that waived
 */
public record AdmissionEvent(String reason, String message, ObjectRef policy) {

  public static final String IMAGE_TOO_LARGE = "ImageTooLarge";
  public static final String BASE_IMAGE_NOT_ALLOWED = "BaseImageNotAllowed";
  public static final String IMAGE_FACTS_UNAVAILABLE = "ImageFactsUnavailable";
  public static final String IMAGE_EXCEPTION_APPLIED = "ImageExceptionApplied";
}
