package dev.tonnage.registry;

import java.util.Locale;
import java.util.Objects;

/**
 * A normalized image reference: {@code registry/repository[:tag][@digest]}. Parsing follows the
 * distribution reference grammar: {@code nginx} is {@code index.docker.io/library/nginx:latest}; a
 * reference with a digest keeps its tag for display, but the digest is what is fetched.
 *
 * @param registry the registry host[:port], {@code index.docker.io} for Docker Hub
 * @param repository the repository path, with {@code library/} for official Docker Hub images
 * @param tag the tag, or null when the reference is by digest only
 * @param digest {@code algorithm:hex}, or null when by tag
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "index.docker.io";
  private static final int MAX_TAG_LENGTH = 128;
  private static final int MAX_NAME_LENGTH = 255;
  // registry-1.docker.io is written 5 characters longer than the index.docker.io it stands for.
  private static final int LONGEST_ALIAS_SLACK =
      "registry-1.docker.io".length() - DOCKER_HUB.length();
  private static final int LONGEST_DIGEST = "sha512:".length() + 128;

  /**
   * The longest text {@link #parse} reads: a 255-character name (written with the longest Docker
   * Hub alias), ':' and a 128-character tag, '@' and a sha512 digest, 525 characters. Anything
   * longer cannot be valid and is refused before any other check.
   */
  public static final int MAX_LENGTH =
      MAX_NAME_LENGTH + LONGEST_ALIAS_SLACK + 1 + MAX_TAG_LENGTH + 1 + LONGEST_DIGEST;

  // How much of an over-long reference an error message quotes.
  private static final int QUOTED_PREFIX = 64;

  /**
   * Parses and normalizes {@code text}; throws {@link InvalidReferenceException} naming what is
   * wrong. Follows the distribution reference grammar: the first path component is a registry when
   * it contains '.' or ':', is {@code localhost}, is an IPv6 literal or has upper case.
   */
  public static ImageReference parse(String text) {
    if (text != null && text.length() > MAX_LENGTH) {
      throw new InvalidReferenceException(
          text.substring(0, QUOTED_PREFIX) + "...",
          "the reference is "
              + text.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    if (text == null || text.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(text), "the reference is empty");
    }
    if (!text.strip().equals(text) || text.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidReferenceException(text, "it contains white space");
    }
    if (namesLocalFile(text)) {
      throw new InvalidReferenceException(
          text,
          "oci:, oci-archive: and docker-archive: name files, which only the tonnage CLI reads;"
              + " a Pod names an image in a registry");
    }
    if (text.contains("://")) {
      throw new InvalidReferenceException(
          text, "remove the URL scheme; a reference is registry/repository[:tag][@digest]");
    }
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = checkDigest(text, rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || first.startsWith("[")
          || !first.equals(first.toLowerCase(Locale.ROOT))) {
        registry = checkRegistry(text, first);
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = checkTag(text, rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String repository = checkRepository(text, rest);
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(
          text, "registry and repository together are longer than 255 characters");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /**
   * Whether {@code text} is a local image ({@code oci:/build/layout}, {@code
   * docker-archive:./a.tar}): a prefix followed by '/' or '.', never the start of a valid
   * reference.
   */
  private static boolean namesLocalFile(String text) {
    for (LocalImage.Transport transport : LocalImage.Transport.values()) {
      String prefix = transport.prefix() + ":";
      if (text.startsWith(prefix)
          && text.length() > prefix.length()
          && (text.charAt(prefix.length()) == '/' || text.charAt(prefix.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  private static String checkDigest(String text, String digest) {
    if (digest.isEmpty()) {
      throw new InvalidReferenceException(text, "the digest after '@' is empty");
    }
    if (digest.contains("@")) {
      throw new InvalidReferenceException(text, "it has more than one '@'");
    }
    int colon = digest.indexOf(':');
    if (colon < 0) {
      throw new InvalidReferenceException(
          text, "digest \"" + digest + "\" lacks its algorithm, e.g. sha256:<64 hex digits>");
    }
    String algorithm = digest.substring(0, colon);
    String hex = digest.substring(colon + 1);
    int length =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new InvalidReferenceException(
                  text, "digest algorithm \"" + algorithm + "\" is not supported; use sha256");
        };
    if (!isLowerHex(hex)) {
      throw new InvalidReferenceException(
          text, "digest \"" + digest + "\" must be " + algorithm + ": and lowercase hex digits");
    }
    if (hex.length() != length) {
      throw new InvalidReferenceException(
          text,
          algorithm
              + " digest has "
              + hex.length()
              + " hex digits; exactly "
              + length
              + " are required");
    }
    return digest;
  }

  private static String checkRegistry(String text, String registry) {
    String host = registry;
    String port = null;
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      if (close < 0) {
        throw new InvalidReferenceException(text, "IPv6 registry \"" + registry + "\" lacks ']'");
      }
      host = registry.substring(0, close + 1);
      String after = registry.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new InvalidReferenceException(
              text, "registry \"" + registry + "\" has text after the IPv6 address");
        }
        port = after.substring(1);
      }
      String address = host.substring(1, host.length() - 1);
      if (address.contains("%")) {
        throw new InvalidReferenceException(
            text, "IPv6 zone IDs (" + address + ") are not allowed in a registry");
      }
      if (!isIpv6Shaped(address) || !address.contains(":")) {
        throw new InvalidReferenceException(text, "\"" + address + "\" is not an IPv6 address");
      }
    } else {
      int colon = registry.indexOf(':');
      if (colon >= 0) {
        host = registry.substring(0, colon);
        port = registry.substring(colon + 1);
      }
      if (!isHostName(host)) {
        throw new InvalidReferenceException(
            text,
            "registry host \""
                + host
                + "\" is not a valid host name (letters, digits, '-' and '.')");
      }
    }
    if (port != null) {
      int number = -1;
      if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(Character::isDigit)) {
        number = Integer.parseInt(port);
      }
      if (number < 1 || number > 65535) {
        throw new InvalidReferenceException(
            text, "registry port \"" + port + "\" is not a number from 1 to 65535");
      }
    }
    String normalized = registry.toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "docker.io", "registry-1.docker.io" -> DOCKER_HUB;
      default -> normalized;
    };
  }

  private static String checkTag(String text, String tag) {
    if (tag.isEmpty()) {
      throw new InvalidReferenceException(text, "the tag after ':' is empty");
    }
    if (tag.length() > MAX_TAG_LENGTH) {
      throw new InvalidReferenceException(
          text, "tag is " + tag.length() + " characters long; at most 128 are allowed");
    }
    if (!isTag(tag)) {
      throw new InvalidReferenceException(
          text,
          "tag \""
              + tag
              + "\" may contain only letters, digits, '_', '.' and '-'"
              + " and must not start with '.' or '-'");
    }
    return tag;
  }

  private static String checkRepository(String text, String repository) {
    if (repository.isEmpty()) {
      throw new InvalidReferenceException(text, "the repository name is empty");
    }
    if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
      throw new InvalidReferenceException(
          text, "repository \"" + repository + "\" has upper case letters; it must be lower case");
    }
    for (String component : repository.split("/", -1)) {
      if (component.isEmpty()) {
        throw new InvalidReferenceException(
            text,
            "repository \""
                + repository
                + "\" has an empty path component ('//' or a '/' at an end)");
      }
      if (!isPathComponent(component)) {
        throw new InvalidReferenceException(
            text,
            "repository path component \""
                + component
                + "\" must be lower case letters and digits, joined by '.', '_', '__' or '-'");
      }
    }
    return repository;
  }

  // The scanners below replace regular expressions: each reads its input once, left to right, so
  // its time is linear in the (capped) length, with no backtracking and no recursion.

  /** {@code [a-f0-9]+}. */
  private static boolean isLowerHex(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [\w][\w.-]*} with ASCII {@code \w}. */
  private static boolean isTag(String s) {
    if (s.isEmpty() || !isWord(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isWord(c) && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*}. */
  private static boolean isPathComponent(String s) {
    int i = 0;
    int n = s.length();
    while (true) {
      int runStart = i;
      while (i < n && isLowerAlnum(s.charAt(i))) {
        i++;
      }
      if (i == runStart) {
        return false; // a separator must be followed, and the component started, by [a-z0-9]
      }
      if (i == n) {
        return true;
      }
      char separator = s.charAt(i);
      if (separator == '.') {
        i++;
      } else if (separator == '_') {
        i += i + 1 < n && s.charAt(i + 1) == '_' ? 2 : 1;
      } else if (separator == '-') {
        while (i < n && s.charAt(i) == '-') {
          i++;
        }
      } else {
        return false;
      }
    }
  }

  /** Dot-separated labels of letters, digits and '-', each starting and ending alphanumeric. */
  private static boolean isHostName(String s) {
    int n = s.length();
    int labelStart = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || s.charAt(i) == '.') {
        if (i == labelStart || !isAlnum(s.charAt(labelStart)) || !isAlnum(s.charAt(i - 1))) {
          return false;
        }
        labelStart = i + 1;
      } else if (!isAlnum(s.charAt(i)) && s.charAt(i) != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-fA-F0-9:]+(?:\.[0-9]+){0,3}}: hex groups, optionally an embedded IPv4 tail. */
  private static boolean isIpv6Shaped(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && (isHexDigit(s.charAt(i)) || s.charAt(i) == ':')) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    for (int groups = 0; i < n; groups++) {
      if (groups == 3 || s.charAt(i) != '.') {
        return false;
      }
      int digitsStart = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == digitsStart) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAlnum(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }

  private static boolean isWord(char c) {
    return isAlnum(c) || c == '_';
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** {@code registry/repository}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** What to ask the registry's manifests endpoint for: the digest when known, else the tag. */
  public String identifier() {
    return digest != null ? digest : tag;
  }

  /** This reference pinned to {@code newDigest}, keeping the tag for display. */
  public ImageReference withDigest(String newDigest) {
    return new ImageReference(registry, repository, tag, newDigest);
  }

  /** {@code registry/repository[:tag][@digest]}, the form policies match image globs against. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name());
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }

  // equals and hashCode written out: a record's generated ones are linked through
  // java.lang.runtime.ObjectMethods on first use, about 0.02 s of a one-image CLI run.
  @Override
  public boolean equals(Object other) {
    return other instanceof ImageReference that
        && Objects.equals(registry, that.registry)
        && Objects.equals(repository, that.repository)
        && Objects.equals(tag, that.tag)
        && Objects.equals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registry, repository, tag, digest);
  }
}
