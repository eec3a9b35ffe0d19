package dev.tonnage.audit;

import dev.tonnage.registry.ImageFacts;

/** What the audit learned about one image: its facts, or why it could not get them. */
public sealed interface ImageMeasurement {

  /** The image was measured. */
  record Measured(ImageFacts facts) implements ImageMeasurement {}

  /**
   * The facts could not be had; {@code reason} says why, naming registry and repository (never a
   * credential).
   */
  record Unavailable(String reason) implements ImageMeasurement {}
}
