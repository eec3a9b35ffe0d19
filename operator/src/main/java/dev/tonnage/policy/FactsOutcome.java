package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
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
}
