package dev.tonnage.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  @Test
  void issuesAServerCertificateForNamesAndAddressesThatChainsToTheCa() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(10), now);
    PemKeyMaterial serving =
        ca.issueServingCertificate(
            "tonnage.tonnage.svc",
            List.of("tonnage.tonnage.svc"),
            List.of("127.0.0.1", "::1"),
            Duration.ofDays(1),
            now);
    X509Certificate leaf = serving.leaf();
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(ca.issued(leaf)).isTrue();
    assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(entry -> String.valueOf(entry.get(1)))
        .contains("tonnage.tonnage.svc", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(serving.root()).isEqualTo(ca.certificate());
  }

  @Test
  void neverIssuesBeyondTheCaExpiry() {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(2), now);
    PemKeyMaterial serving =
        ca.issueServingCertificate("x", List.of("x"), List.of(), Duration.ofDays(365), now);
    assertThat(serving.leaf().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void toleratesClockSkewByBackdating() {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.generate("ca", Duration.ofDays(2), now);
    assertThat(ca.certificate().getNotBefore().toInstant()).isBefore(now.minusSeconds(60));
  }

  @Test
  void tellsIpLiteralsFromNamesWithoutResolving() {
    assertThat(CertificateAuthority.isIpAddress("127.0.0.1")).isTrue();
    assertThat(CertificateAuthority.isIpAddress("::1")).isTrue();
    assertThat(CertificateAuthority.isIpAddress("[fd00::1]")).isTrue();
    assertThat(CertificateAuthority.isIpAddress("999.1.1.1")).isFalse();
    assertThat(CertificateAuthority.isIpAddress("tonnage.tonnage.svc")).isFalse();
    assertThat(CertificateAuthority.isIpAddress("localhost")).isFalse();
    assertThat(CertificateAuthority.isIpAddress("deadbeef")).isFalse();
  }
}
