package dev.tonnage.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyMaterialTest {

  @TempDir Path dir;

  @Test
  void readsAnRsaPkcs1Key() throws Exception {
    PemKeyMaterial rsa = TestCertificates.rsa();
    PemKeyMaterial read = roundTrip(rsa, TestCertificates.traditionalPem(rsa));
    assertThat(Files.readString(dir.resolve("tls.key")))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(read.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(read.chain()).hasSize(2);
  }

  @Test
  void readsAnRsaPkcs8Key() throws Exception {
    PemKeyMaterial rsa = TestCertificates.rsa();
    roundTrip(rsa, TestCertificates.pkcs8Pem(rsa.privateKey()));
    assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void readsAnEcSec1Key() throws Exception {
    PemKeyMaterial ec = TestCertificates.localhost();
    roundTrip(ec, TestCertificates.traditionalPem(ec));
    assertThat(Files.readString(dir.resolve("tls.key")))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void readsAnEcKeyPrecededByItsParameters() {
    PemKeyMaterial ec = TestCertificates.localhost();
    PemKeyMaterial read = roundTrip(ec, TestCertificates.ecWithParametersPem(ec));
    assertThat(read.privateKey().getAlgorithm()).isIn("EC", "ECDSA");
  }

  @Test
  void readsAnEcPkcs8Key() {
    PemKeyMaterial ec = TestCertificates.localhost();
    roundTrip(ec, TestCertificates.pkcs8Pem(ec.privateKey()));
  }

  @Test
  void buildsAKeyStoreWithTheWholeChain() throws Exception {
    KeyStore store = TestCertificates.localhost().toKeyStore();
    assertThat(store.getCertificateChain(PemKeyMaterial.KEY_ALIAS)).hasSize(2);
    assertThat(store.getKey(PemKeyMaterial.KEY_ALIAS, new char[0])).isNotNull();
  }

  @Test
  void refusesAKeyOfAnotherCertificateNamingBothFiles() {
    PemKeyMaterial one = TestCertificates.localhost();
    PemKeyMaterial other = TestCertificates.localhost();
    TestCertificates.write(
        one,
        TestCertificates.pkcs8Pem(other.privateKey()),
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"));
    assertThatThrownBy(() -> PemKeyMaterial.read(dir.resolve("tls.crt"), dir.resolve("tls.key")))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("tls.key")
        .hasMessageContaining("does not belong to the first certificate in")
        .hasMessageContaining("tls.crt");
  }

  @Test
  void refusesAnRsaKeyForAnEcCertificate() {
    PemKeyMaterial ec = TestCertificates.localhost();
    PemKeyMaterial rsa = TestCertificates.rsa();
    TestCertificates.write(
        ec,
        TestCertificates.pkcs8Pem(rsa.privateKey()),
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"));
    assertThatThrownBy(() -> PemKeyMaterial.read(dir.resolve("tls.crt"), dir.resolve("tls.key")))
        .hasMessageContaining("does not belong");
  }

  @Test
  void refusesAFileWithoutCertificates() throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "not a certificate\n");
    Files.writeString(dir.resolve("tls.key"), TestCertificates.localhost().privateKeyPem());
    assertThatThrownBy(() -> PemKeyMaterial.read(dir.resolve("tls.crt"), dir.resolve("tls.key")))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("tls.crt");
  }

  @Test
  void refusesACertificateWhereTheKeyShouldBeWithoutQuotingIt() throws Exception {
    PemKeyMaterial ec = TestCertificates.localhost();
    TestCertificates.write(
        ec, ec.certificatesPem(), dir.resolve("tls.crt"), dir.resolve("tls.key"));
    assertThatThrownBy(() -> PemKeyMaterial.read(dir.resolve("tls.crt"), dir.resolve("tls.key")))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("where a private key was expected")
        .hasMessageNotContaining("MII");
  }

  @Test
  void refusesAMissingFileNamingIt() {
    assertThatThrownBy(
            () -> PemKeyMaterial.read(dir.resolve("absent.crt"), dir.resolve("absent.key")))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("absent.crt");
  }

  @Test
  void writesFilesThatReadBackWithAnOwnerOnlyKey() throws Exception {
    PemKeyMaterial ec = TestCertificates.localhost();
    ec.writeTo(dir.resolve("out/tls.crt"), dir.resolve("out/tls.key"));
    PemKeyMaterial read =
        PemKeyMaterial.read(dir.resolve("out/tls.crt"), dir.resolve("out/tls.key"));
    assertThat(read.leaf()).isEqualTo(ec.leaf());
    assertThat(Files.getPosixFilePermissions(dir.resolve("out/tls.key")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  private PemKeyMaterial roundTrip(PemKeyMaterial material, String keyPem) {
    TestCertificates.write(material, keyPem, dir.resolve("tls.crt"), dir.resolve("tls.key"));
    PemKeyMaterial read = PemKeyMaterial.read(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    assertThat(read.leaf()).isEqualTo(material.leaf());
    return read;
  }
}
