package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.registry.ImageReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A glob over normalized image references ({@link ImageReference#toString()}). {@code *} matches
 * within one path segment (including inside a tag or digest), {@code **} across segments, and a
 * lone {@code *} or {@code **} matches every image. The glob is normalized like a reference: a
 * registry-less glob means Docker Hub ({@code nginx:*} is {@code index.docker.io/library/nginx:*}),
 * {@code docker.io} is {@code index.docker.io}. A glob without a tag or digest matches every tag
 * and digest of the repositories it names; a digest glob matches with or without a tag.
 *
 * <p>Matching simulates the glob as an automaton over all of its positions at once (no
 * backtracking, no recursion). A glob of m characters has at most 5m + 32 positions (a literal,
 * wildcard or '@' with its optional tag each, plus the Docker Hub prefix and the optional tag and
 * digest suffix), and each character of the reference visits each position at most once: with globs
 * capped at {@link #MAX_LENGTH} and references at {@link ImageReference#MAX_LENGTH} one match is at
 * most 525 x 2,592, about 1.4 million constant-time steps, linear in the reference.
 */
final class ImageGlob {

  /** The longest glob accepted, as the CRD schema says: room for any reference and wildcards. */
  static final int MAX_LENGTH = ImagePolicySpec.MAX_PATTERN_LENGTH;

  private static final String ALLOWED_PUNCTUATION = "._-/:@*[]%";

  private final String text;
  private final boolean everything;
  // The automaton's positions, as parallel arrays for a tight matching loop.
  private final Kind[] kinds;
  private final char[] literals;
  private final String[] excluded;
  private final int[] skips;

  /**
   * One position of the automaton.
   *
   * @param kind what the position does
   * @param literal the character a {@link Kind#LITERAL} consumes
   * @param excluded characters a {@link Kind#ONE} or {@link Kind#ANY} position does not consume
   * @param skip how many positions an {@link Kind#OPTIONAL} group spans (it may be skipped)
   */
  private record Step(Kind kind, char literal, String excluded, int skip) {}

  private enum Kind {
    /** Consumes exactly {@code literal}. */
    LITERAL,
    /** Consumes one character not in {@code excluded}. */
    ONE,
    /** Consumes zero or more characters not in {@code excluded}. */
    ANY,
    /** Consumes nothing; the next {@code skip} positions are an optional group. */
    OPTIONAL
  }

  // Java's '.' (without DOTALL) does not match line terminators; '**' kept that meaning.
  private static final String LINE_TERMINATORS = "\n\r\u0085\u2028\u2029";

  private ImageGlob(String text, boolean everything, List<Step> steps) {
    this.text = text;
    this.everything = everything;
    int size = steps.size();
    this.kinds = new Kind[size];
    this.literals = new char[size];
    this.excluded = new String[size];
    this.skips = new int[size];
    for (int s = 0; s < size; s++) {
      Step step = steps.get(s);
      kinds[s] = step.kind();
      literals[s] = step.literal();
      excluded[s] = step.excluded();
      skips[s] = step.skip();
    }
  }

  /** Compiles {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  static ImageGlob compile(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("the pattern is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the pattern is "
              + text.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    if (!hasOnlyAllowedCharacters(text)) {
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
      return new ImageGlob(text, true, List.of());
    }
    return new ImageGlob(text, false, toSteps(normalize(text)));
  }

  /**
   * Whether this glob matches {@code normalizedReference}; time linear in its length. A text longer
   * than any reference ({@link ImageReference#MAX_LENGTH}) matches no glob but a lone wildcard.
   */
  boolean matches(String normalizedReference) {
    if (everything) {
      return true;
    }
    if (normalizedReference.length() > ImageReference.MAX_LENGTH) {
      return false;
    }
    int size = kinds.length;
    boolean[] current = new boolean[size + 1];
    boolean[] next = new boolean[size + 1];
    current[0] = true;
    close(current);
    for (int i = 0; i < normalizedReference.length(); i++) {
      char c = normalizedReference.charAt(i);
      Arrays.fill(next, false);
      boolean any = false;
      for (int s = 0; s < size; s++) {
        if (current[s]) {
          Kind kind = kinds[s];
          if (kind == Kind.LITERAL) {
            if (literals[s] == c) {
              next[s + 1] = true;
              any = true;
            }
          } else if (kind != Kind.OPTIONAL && excluded[s].indexOf(c) < 0) {
            next[kind == Kind.ANY ? s : s + 1] = true;
            any = true;
          }
        }
      }
      if (!any) {
        return false;
      }
      close(next);
      boolean[] swap = current;
      current = next;
      next = swap;
    }
    return current[size];
  }

  /** Adds the positions reachable without consuming; every such edge points forward. */
  private void close(boolean[] active) {
    for (int s = 0; s < kinds.length; s++) {
      if (active[s]) {
        if (kinds[s] == Kind.ANY) {
          active[s + 1] = true;
        } else if (kinds[s] == Kind.OPTIONAL) {
          active[s + 1] = true;
          active[s + 1 + skips[s]] = true;
        }
      }
    }
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

  private static boolean hasOnlyAllowedCharacters(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && ALLOWED_PUNCTUATION.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
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

  /**
   * The automaton of a normalized glob: {@code *} is any run without '/', {@code **} any run; a
   * glob without a tag may be followed by one (before its digest, or at its end), and one without a
   * tag or digest by a digest too, unless it ends in {@code **}, which covers them anyway.
   */
  private static List<Step> toSteps(String glob) {
    int lastSlash = glob.lastIndexOf('/');
    String lastSegment = glob.substring(lastSlash + 1);
    int at = lastSegment.indexOf('@');
    boolean hasDigest = at >= 0;
    boolean hasTag = (hasDigest ? lastSegment.substring(0, at) : lastSegment).contains(":");
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          steps.add(new Step(Kind.ANY, '\0', LINE_TERMINATORS, 0));
          i++;
        } else {
          steps.add(new Step(Kind.ANY, '\0', "/", 0));
        }
      } else {
        if (c == '@' && i > lastSlash && !hasTag) {
          addOptionalTag(steps);
        }
        steps.add(new Step(Kind.LITERAL, c, "", 0));
      }
    }
    if (!hasTag && !hasDigest && !glob.endsWith("**")) {
      addOptionalTag(steps);
      // (?:@[^/]+)?
      steps.add(new Step(Kind.OPTIONAL, '\0', "", 3));
      steps.add(new Step(Kind.LITERAL, '@', "", 0));
      steps.add(new Step(Kind.ONE, '\0', "/", 0));
      steps.add(new Step(Kind.ANY, '\0', "/", 0));
    }
    return steps;
  }

  /** {@code (?::[^/@]+)?}: an optional tag. */
  private static void addOptionalTag(List<Step> steps) {
    steps.add(new Step(Kind.OPTIONAL, '\0', "", 3));
    steps.add(new Step(Kind.LITERAL, ':', "", 0));
    steps.add(new Step(Kind.ONE, '\0', "/@", 0));
    steps.add(new Step(Kind.ANY, '\0', "/@", 0));
  }
}
