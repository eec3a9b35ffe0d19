package dev.tonnage.testing.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.testing.tls.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;

/**
 * Signs registry tokens as RS256 JWTs carrying the signing certificate in the {@code x5c} header,
 * the form distribution verifies against its {@code rootcertbundle}.
 */
public final class TokenSigner {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final IssuedCertificate signingCertificate;
  private final String encodedHeader;

  public TokenSigner(IssuedCertificate signingCertificate) {
    if (!"RSA".equals(signingCertificate.privateKey().getAlgorithm())) {
      throw new IllegalArgumentException(
          "RS256 needs an RSA key, found " + signingCertificate.privateKey().getAlgorithm());
    }
    this.signingCertificate = signingCertificate;
    try {
      ObjectNode header = JSON.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header
          .putArray("x5c")
          .add(Base64.getEncoder().encodeToString(signingCertificate.certificate().getEncoded()));
      this.encodedHeader = base64Url(JSON.writeValueAsBytes(header));
    } catch (CertificateEncodingException | JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the token header", e);
    }
  }

  /** The compact JWS of {@code claims}. */
  public String sign(ObjectNode claims) {
    try {
      String signingInput = encodedHeader + "." + base64Url(JSON.writeValueAsBytes(claims));
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(signingCertificate.privateKey());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(signer.sign());
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new IllegalStateException("cannot sign token claims " + claims, e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
