package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
import java.time.Duration;
import java.util.Objects;

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
   * @param reason a short cause, one of the words {@code dev.tonnage.facts.UnavailableReasons}
   *     names, e.g. {@code Timeout}, {@code NotFound}, {@code Unauthorized}, {@code
   *     InvalidReference}
   * @param message what happened, for people
   * @param cause what failed in a few words for a one-line warning, e.g. {@code cannot connect
   *     (Connection refused)}; never a host, URL or credential
   * @param retryAfter how long a rate-limiting registry asked callers to wait, or null
   */
  record Unavailable(String reason, String message, String cause, Duration retryAfter)
      implements FactsOutcome {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
      message = message == null ? reason : message;
      cause = cause == null || cause.isBlank() ? reason : cause;
    }

    /** Facts missing for a {@code reason} without a wait asked for. */
    public Unavailable(String reason, String message, String cause) {
      this(reason, message, cause, null);
    }

    /** Facts missing for a {@code reason} that {@code message} alone explains. */
    public Unavailable(String reason, String message) {
      this(reason, message, null);
    }
  }

  static FactsOutcome found(ImageFacts facts) {
    return new Found(facts);
  }
}
