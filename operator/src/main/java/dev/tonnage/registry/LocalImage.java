package dev.tonnage.registry;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An image that has not been pushed, named as skopeo names it: {@code oci:DIR[:TAG]} (an OCI image
 * layout), {@code oci-archive:FILE[:TAG]} (a tar of one) or {@code docker-archive:FILE} ({@code
 * docker save}). Only the CLI reads these: Pods never name local files.
 *
 * @param transport which of the three forms
 * @param path the layout directory or archive file
 * @param tag the {@code org.opencontainers.image.ref.name} to pick in the layout's index, or null
 *     for its only image
 */
public record LocalImage(Transport transport, Path path, String tag) {

  /** The forms of local image, by the prefix that names them. */
  public enum Transport {
    OCI("oci"),
    OCI_ARCHIVE("oci-archive"),
    DOCKER_ARCHIVE("docker-archive");

    private final String prefix;

    Transport(String prefix) {
      this.prefix = prefix;
    }

    /** {@code oci}, {@code oci-archive} or {@code docker-archive}. */
    public String prefix() {
      return prefix;
    }
  }

  /**
   * The longest TAG read: ref.name values are references, at most {@link
   * ImageReference#MAX_LENGTH}.
   */
  static final int MAX_TAG_LENGTH = ImageReference.MAX_LENGTH;

  /** The longest text read; a path beyond PATH_MAX names no file. */
  static final int MAX_LENGTH = "docker-archive:".length() + 4096 + 1 + MAX_TAG_LENGTH;

  /**
   * The local image {@code text} names, or empty when it does not start with {@code oci:}, {@code
   * oci-archive:} or {@code docker-archive:} (it is then a registry reference). For {@code oci:}
   * and {@code oci-archive:} the text after the last ':' is the TAG unless it contains a '/' (a
   * path with a ':' in its last part needs an explicit TAG).
   *
   * @throws InvalidReferenceException when the prefix is there but the rest is not usable
   */
  public static Optional<LocalImage> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Transport transport : Transport.values()) {
      if (text.startsWith(transport.prefix + ":")) {
        if (text.length() > MAX_LENGTH) {
          throw new InvalidReferenceException(
              text.substring(0, 64) + "...",
              "it is "
                  + text.length()
                  + " characters long; at most "
                  + MAX_LENGTH
                  + " are allowed");
        }
        return Optional.of(of(transport, text, text.substring(transport.prefix.length() + 1)));
      }
    }
    return Optional.empty();
  }

  private static LocalImage of(Transport transport, String text, String rest) {
    String location = rest;
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (transport != Transport.DOCKER_ARCHIVE && colon >= 0 && rest.indexOf('/', colon) < 0) {
      location = rest.substring(0, colon);
      tag = rest.substring(colon + 1);
      if (tag.isEmpty()) {
        throw new InvalidReferenceException(text, "the TAG after the last ':' is empty");
      }
      if (tag.length() > MAX_TAG_LENGTH) {
        throw new InvalidReferenceException(
            text, "the TAG is " + tag.length() + " characters; at most " + MAX_TAG_LENGTH);
      }
    }
    if (location.isEmpty()) {
      throw new InvalidReferenceException(
          text,
          "no "
              + (transport == Transport.OCI ? "directory" : "file")
              + " after \""
              + transport.prefix
              + ":\"; write "
              + transport.prefix
              + (transport == Transport.OCI ? ":DIR[:TAG]" : ":FILE"));
    }
    try {
      return new LocalImage(transport, Path.of(location), tag);
    } catch (InvalidPathException e) {
      throw new InvalidReferenceException(
          text, "\"" + location + "\" is not a path: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return transport.prefix + ":" + path + (tag == null ? "" : ":" + tag);
  }
}
