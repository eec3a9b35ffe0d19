package dev.tonnage.registry;

/**
 * The image an image was built from, and how Tonnage learned it.
 *
 * @param name the base image reference as recorded (normalized when parseable)
 * @param digest the base manifest digest, or null when not recorded
 * @param source where the fact came from
 */
public record BaseImage(String name, String digest, Source source) {

  /** Where a base image fact comes from, most trusted first. */
  public enum Source {
    /** {@code org.opencontainers.image.base.name} annotation on the manifest. */
    MANIFEST_ANNOTATION,
    /** The same key as a label in the image config. */
    CONFIG_LABEL,
    /** The image's first layers equal all layers of a candidate base image. */
    LAYER_PREFIX
  }
}
