package dev.tonnage.registry;

import java.util.Locale;
import java.util.regex.Pattern;

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
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]*");
  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[a-fA-F0-9:]+(?:\\.[0-9]+){0,3}");

  /**
   * Parses and normalizes {@code text}; throws {@link InvalidReferenceException} naming what is
   * wrong. Follows the distribution reference grammar: the first path component is a registry when
   * it contains '.' or ':', is {@code localhost}, is an IPv6 literal or has upper case.
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(text), "the reference is empty");
    }
    if (!text.strip().equals(text) || text.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidReferenceException(text, "it contains white space");
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
    if (!HEX.matcher(hex).matches()) {
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
      if (!IPV6.matcher(address).matches() || !address.contains(":")) {
        throw new InvalidReferenceException(text, "\"" + address + "\" is not an IPv6 address");
      }
    } else {
      int colon = registry.indexOf(':');
      if (colon >= 0) {
        host = registry.substring(0, colon);
        port = registry.substring(colon + 1);
      }
      if (!HOST_NAME.matcher(host).matches()) {
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
    if (!TAG.matcher(tag).matches()) {
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
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(
            text,
            "repository path component \""
                + component
                + "\" must be lower case letters and digits, joined by '.', '_', '__' or '-'");
      }
    }
    return repository;
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
}
