package dev.tonnage.policy;

import dev.tonnage.registry.Platform;
import java.util.List;

/**
 * An image a policy covers whose facts were checked.
 *
 * @param container the container name; empty for a bare image
 * @param image the image as written
 * @param digest the digest it resolved to
 * @param platforms the platforms checked (empty when none of the image's platforms is one the
 *     policy or the Pod asks for)
 */
public record CheckedImage(
    String container, String image, String digest, List<Platform> platforms) {

  public CheckedImage {
    platforms = List.copyOf(platforms);
  }
}
