package dev.tonnage.registry.cloud;

import dev.tonnage.registry.Credential;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The registry credential an ecr:GetAuthorizationToken answer carries, and when it expires. Its
 * {@link #toString()} never shows the password ({@link Credential#toString()}).
 */
record EcrToken(Credential credential, Instant expiresAt) {

  /** Far above a real token (about 2.5 KB): a larger answer is not an ECR token. */
  static final int MAX_TOKEN_LENGTH = 64 * 1024;

  /**
   * Decodes {@code authorizationToken}, base64 of {@code USER:PASSWORD} (the user is {@code AWS}).
   *
   * @throws IllegalArgumentException when it is not that; the message never quotes the token
   */
  static EcrToken decode(String authorizationToken, Instant expiresAt) {
    if (authorizationToken == null || authorizationToken.length() > MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException("the ECR authorization token is missing or too long");
    }
    if (expiresAt == null) {
      throw new IllegalArgumentException("the ECR authorization token has no expiresAt");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorizationToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the ECR authorization token is not base64");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || colon == decoded.length() - 1) {
      throw new IllegalArgumentException("the ECR authorization token is not USER:PASSWORD");
    }
    return new EcrToken(
        Credential.basic(decoded.substring(0, colon), decoded.substring(colon + 1)), expiresAt);
  }
}
