package dev.tonnage.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A serving certificate chain (leaf first) and its private key, read from PEM: certificates as
 * {@code CERTIFICATE} blocks, the key as PKCS#1 ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE
 * KEY}) or unencrypted PKCS#8 ({@code PRIVATE KEY}).
 *
 * @param chain the certificates, leaf first, as they appear in the file
 * @param privateKey the private key of the leaf
 */
public record PemKeyMaterial(List<X509Certificate> chain, PrivateKey privateKey) {

  static final String KEY_ALIAS = "tonnage";
  private static final char[] NO_PASSWORD = new char[0];

  public PemKeyMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new TlsMaterialException("a serving certificate chain needs at least one certificate");
    }
  }

  /** Reads and checks the pair; the messages name the files. */
  public static PemKeyMaterial read(Path certFile, Path keyFile) {
    return parse(
        readText(certFile, "certificate"),
        certFile.toString(),
        readText(keyFile, "private key"),
        keyFile.toString());
  }

  /**
   * Parses a PEM certificate chain and key and checks that the key belongs to the first
   * certificate.
   *
   * @param certSource names the certificate's origin in error messages (a file or secret key)
   * @param keySource names the key's origin in error messages
   */
  public static PemKeyMaterial parse(
      String certPem, String certSource, String keyPem, String keySource) {
    List<X509Certificate> chain = parseCertificates(certPem, certSource);
    PrivateKey key = parsePrivateKey(keyPem, keySource);
    PemKeyMaterial material = new PemKeyMaterial(chain, key);
    if (!material.keyMatchesLeaf()) {
      throw new TlsMaterialException(
          "the private key in "
              + keySource
              + " does not belong to the first certificate in "
              + certSource
              + " (subject "
              + chain.get(0).getSubjectX500Principal().getName()
              + "); write the key and certificate of one pair");
    }
    return material;
  }

  /** Parses every {@code CERTIFICATE} block of {@code pem}, in order. */
  public static List<X509Certificate> parseCertificates(String pem, String source) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Certificate c :
          factory.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new TlsMaterialException(
          source + " does not hold PEM certificates (-----BEGIN CERTIFICATE-----): " + e, e);
    }
    if (certificates.isEmpty()) {
      throw new TlsMaterialException(
          source + " holds no PEM certificate; expected -----BEGIN CERTIFICATE----- blocks");
    }
    return certificates;
  }

  /** Parses the first private key of {@code pem}; skips {@code EC PARAMETERS} blocks. */
  public static PrivateKey parsePrivateKey(String pem, String source) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsMaterialException(
              source
                  + " holds an encrypted private key; Tonnage needs an unencrypted PKCS#1, SEC1 or"
                  + " PKCS#8 key (as cert-manager and kubernetes.io/tls secrets store it)");
        }
        if (!(object instanceof ASN1ObjectIdentifier)) {
          throw new TlsMaterialException(
              source
                  + " holds a PEM "
                  + object.getClass().getSimpleName()
                  + " where a private key was expected (RSA PRIVATE KEY, EC PRIVATE KEY or"
                  + " PRIVATE KEY)");
        }
      }
    } catch (IOException e) {
      // The parser's message may quote the input: do not pass it on.
      throw new TlsMaterialException(source + " is not a readable PEM private key");
    }
    throw new TlsMaterialException(
        source
            + " holds no private key; expected -----BEGIN RSA PRIVATE KEY-----, -----BEGIN EC"
            + " PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----");
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The last certificate of the chain: the CA that clients should trust when one is included. */
  public X509Certificate root() {
    return chain.get(chain.size() - 1);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** An in-memory PKCS#12 key store holding the pair under one alias, with an empty password. */
  public KeyStore toKeyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(KEY_ALIAS, privateKey, NO_PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException("cannot build a key store from the certificate and key", e);
    }
  }

  /** The chain as PEM, leaf first. */
  public String certificatesPem() {
    return encodeCertificates(chain);
  }

  /** The key as unencrypted PKCS#8 PEM. */
  public String privateKeyPem() {
    return privateKeyPem(privateKey);
  }

  /** {@code key} as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  static String privateKeyPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new TlsMaterialException("cannot write a private key as PEM", e);
    }
    return out.toString();
  }

  /**
   * Writes the chain and key to two files, each replaced atomically (written beside, then moved) so
   * that a reader polling them never sees a half-written file; the key file is readable by the
   * owner only.
   */
  public void writeTo(Path certFile, Path keyFile) {
    writeAtomically(keyFile, privateKeyPem(), true);
    writeAtomically(certFile, certificatesPem(), false);
  }

  private static void writeAtomically(Path file, String content, boolean secret) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      if (secret && temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(temp, content, StandardCharsets.ISO_8859_1);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TlsMaterialException(
          "cannot write " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  /** Certificates as PEM {@code CERTIFICATE} blocks. */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(new JcaMiscPEMGenerator(certificate));
      }
    } catch (IOException e) {
      throw new TlsMaterialException("cannot write PEM", e);
    }
    return out.toString();
  }

  private boolean keyMatchesLeaf() {
    PublicKey publicKey = leaf().getPublicKey();
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null || !publicKey.getAlgorithm().equals(keyAlgorithmFamily(privateKey))) {
      return false;
    }
    try {
      byte[] probe = "tonnage key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String keyAlgorithmFamily(PrivateKey key) {
    return "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
  }

  private static String readText(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new TlsMaterialException(
          "cannot read the " + what + " file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
