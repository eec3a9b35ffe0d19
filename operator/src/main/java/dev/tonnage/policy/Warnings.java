package dev.tonnage.policy;

/** Builds admission warnings that fit Kubernetes' display: one line, at most 120 characters. */
final class Warnings {

  private static final String DOCKER_HUB_PREFIX = "index.docker.io/library/";
  private static final String ELLIPSIS = "…";

  private Warnings() {}

  /**
   * {@code policy: image platform: what}, shortening the image (digest, then Docker Hub prefix,
   * then its middle) and finally the whole line to fit.
   */
  static String line(String policy, String image, String platform, String what) {
    String tail = (platform == null ? "" : " " + platform) + ": " + what;
    String head = policy + ": ";
    int room = Violation.MAX_WARNING_LENGTH - head.length() - tail.length();
    return fit(head + shorten(image, room) + tail, Violation.MAX_WARNING_LENGTH);
  }

  /** {@code image} in at most {@code room} characters, losing the least telling parts first. */
  static String shorten(String image, int room) {
    String s = image;
    if (s.length() > room && s.contains("@")) {
      s = s.substring(0, s.indexOf('@'));
    }
    if (s.length() > room && s.startsWith(DOCKER_HUB_PREFIX)) {
      s = s.substring(DOCKER_HUB_PREFIX.length());
    }
    if (s.length() > room && room > 12) {
      int keepEnd = (room - 1) * 2 / 3;
      int keepStart = room - 1 - keepEnd;
      s = s.substring(0, keepStart) + ELLIPSIS + s.substring(s.length() - keepEnd);
    }
    return s;
  }

  /** A normalized reference as people write it: {@code docker.io/...} for Docker Hub. */
  static String displayReference(String normalized) {
    return normalized.startsWith("index.docker.io/")
        ? "docker.io/" + normalized.substring("index.docker.io/".length())
        : normalized;
  }

  /** {@code text} cut to {@code max} characters with an ellipsis. */
  static String fit(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + ELLIPSIS;
  }
}
