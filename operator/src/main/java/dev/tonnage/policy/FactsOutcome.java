package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The facts of an image, or why they could not be had. */
public sealed interface FactsOutcome {

  /** The registry answered. */
  record Found(ImageFacts facts) implements FactsOutcome {
    public Found {
      Objects.requireNonNull(facts, "facts");
    }
  }

  /**
   * The facts could not be had.
   *
   * @param reason a short cause, e.g. {@code Timeout}, {@code NotFound}, {@code Unauthorized},
   *     {@code InvalidReference}
   * @param message what happened, for people
   */
  record Unavailable(String reason, String message) implements FactsOutcome {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
      message = message == null ? reason : message;
    }
  }

  static FactsOutcome found(ImageFacts facts) {
    return new Found(facts);
  }

  /**
   * The outcome of a failed fetch: the reason is the simple class name of the cause (unwrapped from
   * completion and execution exceptions), the message its message.
   */
  static FactsOutcome failed(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String reason = cause.getClass().getSimpleName().replaceFirst("Exception$", "");
    return new Unavailable(reason.isEmpty() ? "Error" : reason, cause.getMessage());
  }
}
