package dev.tonnage.policy;

import dev.tonnage.registry.ImageReference;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A glob over normalized image references ({@link ImageReference#toString()}). {@code *} matches
 * within one path segment (including inside a tag or digest), {@code **} across segments, and a
 * lone {@code *} or {@code **} matches every image. The glob is normalized like a reference: a
 * registry-less glob means Docker Hub ({@code nginx:*} is {@code index.docker.io/library/nginx:*}),
 * {@code docker.io} is {@code index.docker.io}. A glob without a tag or digest matches every tag
 * and digest of the repositories it names; a digest glob matches with or without a tag.
 */
final class ImageGlob {

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._\\-/:@*\\[\\]%]+");

  private final String text;
  private final Pattern regex;

  private ImageGlob(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  /** Compiles {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  static ImageGlob compile(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("the pattern is empty");
    }
    if (!ALLOWED.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" may contain only reference characters (letters, digits, . _ - / : @)"
              + " and the wildcards * and **");
    }
    if (text.contains("***")) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has '***'; use '*' within a path segment or '**' across segments");
    }
    if (text.equals("*") || text.equals("**")) {
      return new ImageGlob(text, Pattern.compile(".*", Pattern.DOTALL));
    }
    String normalized = normalize(text);
    return new ImageGlob(text, Pattern.compile(toRegex(normalized)));
  }

  /** Whether this glob matches {@code normalizedReference}. */
  boolean matches(String normalizedReference) {
    return regex.matcher(normalizedReference).matches();
  }

  /** Whether the glob is a plain reference with no wildcard. */
  boolean isLiteral() {
    return !text.contains("*");
  }

  /** The glob as written. */
  @Override
  public String toString() {
    return text;
  }

  private static String normalize(String text) {
    int slash = text.indexOf('/');
    String first = slash > 0 ? text.substring(0, slash) : null;
    boolean hasRegistry =
        first != null
            && (first.contains(".")
                || first.contains(":")
                || first.equals("localhost")
                || first.equals("*")
                || first.equals("**")
                || first.startsWith("["));
    String registry = hasRegistry ? first.toLowerCase(Locale.ROOT) : ImageReference.DOCKER_HUB;
    String path = hasRegistry ? text.substring(slash + 1) : text;
    if (registry.equals("docker.io") || registry.equals("registry-1.docker.io")) {
      registry = ImageReference.DOCKER_HUB;
    }
    if (registry.equals(ImageReference.DOCKER_HUB) && !path.contains("/") && !path.contains("**")) {
      path = "library/" + path;
    }
    return registry + "/" + path;
  }

  private static String toRegex(String glob) {
    int lastSlash = glob.lastIndexOf('/');
    String lastSegment = glob.substring(lastSlash + 1);
    int at = lastSegment.indexOf('@');
    boolean hasDigest = at >= 0;
    boolean hasTag = (hasDigest ? lastSegment.substring(0, at) : lastSegment).contains(":");
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".*");
          i++;
        } else {
          regex.append("[^/]*");
        }
      } else {
        if (c == '@' && i > lastSlash && !hasTag) {
          regex.append("(?::[^/@]+)?");
        }
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (!hasTag && !hasDigest && !glob.endsWith("**")) {
      regex.append("(?::[^/@]+)?(?:@[^/]+)?");
    }
    return regex.toString();
  }
}
