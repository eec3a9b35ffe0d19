package dev.tonnage.tls;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
 * A small certificate authority for the webhook's self-signed mode: an ECDSA P-256 CA whose
 * certificate becomes the webhook configurations' caBundle, and the serving certificates it issues
 * for the names the API server dials.
 *
 * @param certificate the CA certificate
 * @param privateKey the CA key
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Tolerates clocks of API server and operator that disagree by a few minutes. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  /** A new CA named {@code commonName}, valid from now for {@code validity}. */
  public static CertificateAuthority generate(String commonName, Duration validity, Instant now) {
    KeyPair keys = newKeyPair();
    X500Name name = name(commonName);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new TlsMaterialException("cannot create the webhook CA certificate", e);
    }
  }

  /**
   * A serving certificate for {@code dnsNames} and {@code ipAddresses} with a new EC key, signed by
   * this CA; the chain holds the leaf and the CA.
   */
  public PemKeyMaterial issueServingCertificate(
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity,
      Instant now) {
    KeyPair keys = newKeyPair();
    X509Certificate leaf =
        issueCertificateFor(keys.getPublic(), commonName, dnsNames, ipAddresses, validity, now);
    return new PemKeyMaterial(List.of(leaf, certificate), keys.getPrivate());
  }

  /** A serving certificate for {@code publicKey}, valid at most as long as this CA. */
  public X509Certificate issueCertificateFor(
      PublicKey publicKey,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity,
      Instant now) {
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  name(commonName),
                  publicKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(new GeneralName[0])))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(certificate));
      return sign(builder, privateKey);
    } catch (GeneralSecurityException | CertIOException | IllegalArgumentException e) {
      throw new TlsMaterialException(
          "cannot issue a serving certificate for " + dnsNames + " " + ipAddresses + ": " + e, e);
    }
  }

  /** True when {@code leaf} was signed by this CA's key. */
  public boolean issued(X509Certificate leaf) {
    try {
      PublicKey publicKey = certificate.getPublicKey();
      leaf.verify(publicKey);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Whether {@code text} is an IPv4 or IPv6 literal (a SAN of type IP, not DNS); never resolves.
   */
  public static boolean isIpAddress(String text) {
    String bare =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (IPV4.matcher(bare).matches()) {
      return true;
    }
    if (!IPV6_CHARACTERS.matcher(bare).matches()) {
      return false;
    }
    try {
      // Brackets make the JDK parse a literal and never fall back to a DNS lookup.
      return InetAddress.getByName("[" + bare + "]") instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is missing from this JVM", e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "tonnage.dev")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }
}
