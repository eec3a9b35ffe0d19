package dev.tonnage.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests: computing and checking {@code sha256:...} / {@code sha512:...}. */
final class Digests {
  private Digests() {}

  private static final Pattern VALID = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

  static boolean isValid(String digest) {
    return digest != null && VALID.matcher(digest).matches();
  }

  /** The digest of {@code content} with the algorithm of {@code like} (sha256 by default). */
  static String of(byte[] content, String like) {
    String algorithm = like != null && like.startsWith("sha512:") ? "sha512" : "sha256";
    try {
      MessageDigest md =
          MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
      return algorithm + ":" + HexFormat.of().formatHex(md.digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has " + algorithm, e);
    }
  }

  /** Fails unless {@code content} hashes to {@code expected}. */
  static void verify(String expected, byte[] content, ImageReference ref, String what)
      throws InvalidManifestException {
    String actual = of(content, expected);
    if (!actual.equals(expected)) {
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          what
              + " of "
              + ref.name()
              + " has digest "
              + actual
              + " but "
              + expected
              + " was expected; the registry or something between it and Tonnage altered the"
              + " content: check proxies and the registry's storage");
    }
  }
}
