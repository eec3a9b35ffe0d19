package dev.tonnage.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.testing.tls.CertificateAuthority;
import dev.tonnage.testing.tls.IssuedCertificate;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenSignerTest {

  private static CertificateAuthority ca;
  private static IssuedCertificate signing;

  @BeforeAll
  static void signingCertificate() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair keys = rsa.generateKeyPair();
    ca = CertificateAuthority.create("test CA");
    signing = ca.issueSigningCertificate("token signer", keys);
  }

  @Test
  void signsAnRs256TokenThatVerifiesWithTheCertificateInX5c() throws Exception {
    ObjectNode claims =
        new ObjectMapper().createObjectNode().put("iss", "issuer").put("aud", "svc");

    JsonWebToken token = JsonWebToken.parse(new TokenSigner(signing).sign(claims));

    assertThat(token.header().path("alg").asText()).isEqualTo("RS256");
    assertThat(token.header().path("typ").asText()).isEqualTo("JWT");
    assertThat(token.signingCertificate()).isEqualTo(signing.certificate());
    assertThat(token.verifiesWith(token.signingCertificate().getPublicKey())).isTrue();
    assertThat(token.claims()).isEqualTo(claims);
    // distribution chains x5c[0] up to its rootcertbundle: our CA must have signed it
    token.signingCertificate().verify(ca.certificate().getPublicKey());
  }

  @Test
  void aTamperedTokenNoLongerVerifies() {
    ObjectNode claims = new ObjectMapper().createObjectNode().put("sub", "anonymous");
    String[] parts = new TokenSigner(signing).sign(claims).split("\\.");
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"sub\":\"tonnage\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    JsonWebToken token = JsonWebToken.parse(parts[0] + "." + forged + "." + parts[2]);

    assertThat(token.verifiesWith(signing.certificate().getPublicKey())).isFalse();
  }

  @Test
  void refusesKeysThatCannotSignRs256() {
    IssuedCertificate ec =
        ca.issueServerCertificate("ec", java.util.List.of("localhost"), java.util.List.of());

    assertThatThrownBy(() -> new TokenSigner(ec)).hasMessageContaining("RS256 needs an RSA key");
  }

  @Test
  void parseRejectsTextThatIsNotACompactJws() {
    assertThatThrownBy(() -> JsonWebToken.parse("not-a-token"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 3 dot-separated parts");
  }
}
