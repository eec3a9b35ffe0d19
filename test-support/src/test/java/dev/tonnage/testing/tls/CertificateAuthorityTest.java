package dev.tonnage.testing.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  private final CertificateAuthority ca = CertificateAuthority.create("test CA");

  @Test
  void issuesServerCertificatesForLoopbackThatTheCaVouchesFor() throws Exception {
    IssuedCertificate server =
        ca.issueServerCertificate("registry", List.of("localhost"), List.of("127.0.0.1"));

    server.certificate().verify(ca.certificate().getPublicKey());
    assertThat(server.certificate().getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    ca.trustManager()
        .checkServerTrusted(
            new X509Certificate[] {server.certificate(), ca.certificate()}, "ECDHE_ECDSA");
  }

  @Test
  void anotherCaIsNotTrusted() {
    IssuedCertificate stranger =
        CertificateAuthority.create("other CA")
            .issueServerCertificate("x", List.of("localhost"), List.of());

    assertThatThrownBy(
            () ->
                ca.trustManager()
                    .checkServerTrusted(
                        new X509Certificate[] {stranger.certificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void pemHasTheTypesGoReads() {
    IssuedCertificate server = ca.issueServerCertificate("x", List.of("localhost"), List.of());

    assertThat(ca.certificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(server.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.certificate().getBasicConstraints()).isEqualTo(-1);
  }
}
