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
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[a-fA-F0-9:.%]+\\])(?::[0-9]{1,5})?");

  /** Parses and normalizes {@code text}; throws {@link InvalidReferenceException} naming why. */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(text), "the reference is empty");
    }
    String rest = text.trim();
    if (!rest.equals(text)) {
      throw new InvalidReferenceException(text, "it has leading or trailing white space");
    }
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new InvalidReferenceException(
            text, "digest \"" + digest + "\" is not sha256: followed by 64 lowercase hex digits");
      }
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || first.startsWith("[")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
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
    }
    if (!HOST.matcher(registry).matches()) {
      throw new InvalidReferenceException(
          text, "registry \"" + registry + "\" is not a valid host");
    }
    registry = registry.toLowerCase(Locale.ROOT);
    if (registry.equals("docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (rest.isEmpty()) {
      throw new InvalidReferenceException(text, "the repository name is empty");
    }
    for (String component : rest.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(
            text,
            "repository path component \""
                + component
                + "\" must be lowercase letters,"
                + " digits and separators (., _, __, -), not empty");
      }
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (registry.length() + 1 + rest.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(text, "the name is longer than 255 characters");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, rest, tag, digest);
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
