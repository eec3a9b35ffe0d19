package dev.tonnage.testing.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;

/**
 * A parsed compact JWS, as the token server issues them: tests read its claims and check its
 * signature without a JWT library.
 *
 * @param header the decoded JOSE header
 * @param claims the decoded claims
 * @param signingInput {@code base64url(header).base64url(claims)}, what the signature covers
 * @param signature the raw signature bytes
 */
public record JsonWebToken(
    JsonNode header, JsonNode claims, String signingInput, byte[] signature) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public JsonWebToken {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * Parses {@code header.claims.signature}; throws {@link IllegalArgumentException} if malformed.
   */
  public static JsonWebToken parse(String compact) {
    String[] parts = compact.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "not a compact JWS: expected 3 dot-separated parts, found " + parts.length);
    }
    Base64.Decoder decoder = Base64.getUrlDecoder();
    try {
      return new JsonWebToken(
          JSON.readTree(decoder.decode(parts[0])),
          JSON.readTree(decoder.decode(parts[1])),
          parts[0] + "." + parts[1],
          decoder.decode(parts[2]));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a compact JWS: " + e.getMessage(), e);
    }
  }

  /** The first certificate of the {@code x5c} header: the one that signed this token. */
  public X509Certificate signingCertificate() {
    JsonNode x5c = header.path("x5c");
    if (!x5c.isArray() || x5c.isEmpty()) {
      throw new IllegalStateException("token header has no x5c certificate chain: " + header);
    }
    try {
      byte[] der = Base64.getDecoder().decode(x5c.get(0).asText());
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("x5c[0] is not an X.509 certificate", e);
    }
  }

  /** True when the RS256 signature verifies with {@code key}. */
  public boolean verifiesWith(PublicKey key) {
    if (!"RS256".equals(header.path("alg").asText())) {
      throw new IllegalStateException("only RS256 is supported, token says " + header.path("alg"));
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonWebToken that
        && header.equals(that.header)
        && claims.equals(that.claims)
        && signingInput.equals(that.signingInput)
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return signingInput.hashCode();
  }

  @Override
  public String toString() {
    return "JsonWebToken[header=" + header + ", claims=" + claims + "]";
  }
}
