package dev.tonnage.events;

/**
 * The reasons of the Warning Events Tonnage records, from admission and from the audit alike
 * (docs/reference.md "Events").
 */
public enum EventReason {
  /** A size or layer rule is broken. */
  ImageTooLarge,
  /** The base image is denied, not allowed, or unknown while a known base is required. */
  BaseImageNotAllowed,
  /** The image's facts could not be fetched; the message names the cause. */
  ImageFactsUnavailable,
  /** An ImagePolicyException waived a violation; the message names it and its expiry. */
  ImageExceptionApplied
}
