package dev.tonnage.testing.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority generated per test run: it signs the TLS certificates of the
 * registry, token server and API server, and clients trust exactly it.
 */
public final class CertificateAuthority {

  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);

  private final X509Certificate certificate;
  private final KeyPair keyPair;
  private final SecureRandom random;

  private CertificateAuthority(X509Certificate certificate, KeyPair keyPair, SecureRandom random) {
    this.certificate = certificate;
    this.keyPair = keyPair;
    this.random = random;
  }

  /** A new self-signed CA with an EC P-256 key. */
  public static CertificateAuthority create(String commonName) {
    SecureRandom random = new SecureRandom();
    KeyPair keyPair = ecKeyPair(random);
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = template(name, name, keyPair, random);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      return new CertificateAuthority(sign(builder, keyPair, "SHA256withECDSA"), keyPair, random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create test CA " + commonName, e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  /** Writes the CA certificate as PEM. */
  public Path writeCertificate(Path file) {
    try {
      return Files.writeString(file, certificatePem());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * A TLS server certificate (EC P-256) for the given host names and IP addresses, usable as client
   * certificate too.
   */
  public IssuedCertificate issueServerCertificate(
      String commonName, List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    for (String ip : ipAddresses) {
      try {
        names.add(
            new GeneralName(
                GeneralName.iPAddress, new DEROctetString(InetAddress.getByName(ip).getAddress())));
      } catch (IOException e) {
        throw new IllegalArgumentException("not an IP address: " + ip, e);
      }
    }
    return issue(commonName, ecKeyPair(random), names);
  }

  /** A certificate for {@code keyPair} with no host names, e.g. for a JWT signing key. */
  public IssuedCertificate issueSigningCertificate(String commonName, KeyPair keyPair) {
    return issue(commonName, keyPair, List.of());
  }

  private IssuedCertificate issue(String commonName, KeyPair subjectKeys, List<GeneralName> sans) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          template(
              X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
              new X500Name("CN=" + commonName),
              subjectKeys,
              random);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(certificate));
      if (!sans.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      X509Certificate leaf = sign(builder, keyPair, "SHA256withECDSA");
      return new IssuedCertificate(leaf, subjectKeys.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue certificate " + commonName, e);
    }
  }

  /** A trust manager that trusts exactly this CA. */
  public X509TrustManager trustManager() {
    return TrustedCertificates.trustManager(certificate);
  }

  /** A client TLS context that trusts exactly this CA. */
  public SSLContext clientSslContext() {
    return TrustedCertificates.sslContext(trustManager());
  }

  static KeyPair ecKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate EC P-256 keys", e);
    }
  }

  private static X509v3CertificateBuilder template(
      X500Name issuer, X500Name subject, KeyPair subjectKeys, SecureRandom random) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, random).add(BigInteger.ONE),
        Date.from(now.minus(CLOCK_SKEW)),
        Date.from(now.plus(VALIDITY)),
        subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(
      X509v3CertificateBuilder builder, KeyPair signer, String algorithm)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + algorithm, e);
    }
  }
}
