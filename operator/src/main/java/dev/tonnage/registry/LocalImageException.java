package dev.tonnage.registry;

import java.io.IOException;

/**
 * A local image (layout directory or archive) that cannot be read safely: a name or link leaving
 * its root, a missing or oversized file, too many entries, a corrupt tar header.
 */
final class LocalImageException extends IOException {

  LocalImageException(String message) {
    super(message);
  }
}
