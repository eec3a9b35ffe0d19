package dev.tonnage.policy;

import dev.tonnage.registry.ImageReference;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The glob-to-regex translation ImageGlob used before its linear matcher: the specification the
 * matcher is checked against, on inputs small enough for backtracking to stay cheap.
 */
final class ImageGlobRegexOracle {

  private ImageGlobRegexOracle() {}

  /** Whether the old regex translation of {@code glob} (already validated) matches. */
  static boolean matches(String glob, String reference) {
    if (glob.equals("*") || glob.equals("**")) {
      return true;
    }
    return Pattern.compile(toRegex(normalize(glob))).matcher(reference).matches();
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
