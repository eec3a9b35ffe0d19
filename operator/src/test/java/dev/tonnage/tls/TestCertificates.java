package dev.tonnage.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Certificates and keys in the PEM flavours that cert-manager, openssl and kubeadm write. */
public final class TestCertificates {

  private TestCertificates() {}

  public static final CertificateAuthority CA =
      CertificateAuthority.generate("test-ca", Duration.ofDays(30), Instant.now());

  /** A fresh EC serving pair for localhost and 127.0.0.1, chain leaf + CA. */
  public static PemKeyMaterial localhost() {
    return CA.issueServingCertificate(
        "localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), Instant.now());
  }

  /** An RSA serving pair issued by {@link #CA}, as kubeadm and older cert-manager setups use. */
  public static PemKeyMaterial rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      X509Certificate leaf =
          CA.issueCertificateFor(
              keys.getPublic(),
              "localhost",
              List.of("localhost"),
              List.of("127.0.0.1"),
              Duration.ofDays(1),
              Instant.now());
      return new PemKeyMaterial(List.of(leaf, CA.certificate()), keys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * PKCS#1 for RSA ("RSA PRIVATE KEY"); for EC, SEC1 ("EC PRIVATE KEY") with the curve and public
   * key inside, as openssl writes it.
   */
  public static String traditionalPem(PemKeyMaterial material) {
    PrivateKey key = material.privateKey();
    try {
      if (!key.getAlgorithm().startsWith("EC")) {
        return pem(new JcaMiscPEMGenerator(key).generate());
      }
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      ECPrivateKey bare = ECPrivateKey.getInstance(info.parsePrivateKey());
      SubjectPublicKeyInfo publicKey =
          SubjectPublicKeyInfo.getInstance(material.leaf().getPublicKey().getEncoded());
      ECPrivateKey full =
          new ECPrivateKey(
              256,
              bare.getKey(),
              publicKey.getPublicKeyData(),
              info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", full.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unencrypted PKCS#8 ("PRIVATE KEY"). */
  public static String pkcs8Pem(PrivateKey key) {
    try {
      return pem(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What {@code openssl ecparam -name prime256v1 -genkey} writes: parameters, then the key. */
  public static String ecWithParametersPem(PemKeyMaterial key) {
    try {
      PemObject parameters =
          new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded());
      return pem(parameters) + traditionalPem(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(PemKeyMaterial material, String keyPem, Path certFile, Path keyFile) {
    try {
      Files.writeString(certFile, material.certificatesPem());
      Files.writeString(keyFile, keyPem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(PemObject object) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
