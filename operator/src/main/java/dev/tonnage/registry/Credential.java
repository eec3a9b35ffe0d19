package dev.tonnage.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Credentials for one registry: a username and password (or access token used as password), or an
 * identity token (an OAuth2 refresh token for the registry's token service). {@link #toString()}
 * never shows the secret.
 *
 * @param username the user name; {@code <token>} or empty with an identity token
 * @param password the password, or null with an identity token
 * @param identityToken the refresh token from {@code docker login}'s {@code identitytoken}, or null
 */
public record Credential(String username, String password, String identityToken) {

  public static Credential basic(String username, String password) {
    return new Credential(username, password, null);
  }

  public static Credential identityToken(String username, String token) {
    return new Credential(username, null, token);
  }

  public boolean hasIdentityToken() {
    return identityToken != null && !identityToken.isEmpty();
  }

  /**
   * A stable, one-way name for this credential, to key caches by who is asking without keeping the
   * secret in the key.
   */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String material = username + '\0' + password + '\0' + identityToken;
      byte[] hash = sha.digest(material.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", secret=<redacted>]";
  }
}
