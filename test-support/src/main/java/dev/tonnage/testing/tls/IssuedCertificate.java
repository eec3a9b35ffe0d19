package dev.tonnage.testing.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * A certificate with its private key and the certificate of the CA that signed it.
 *
 * @param certificate the leaf certificate
 * @param privateKey its private key
 * @param issuer the signing CA's certificate
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {

  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }

  /**
   * Writes the certificate (leaf then CA) and the key as PEM files, the key readable by owner only.
   */
  public void writePem(Path certificateFile, Path privateKeyFile) {
    try {
      Files.writeString(certificateFile, certificatePem() + Pem.certificate(issuer));
      Files.writeString(privateKeyFile, privateKeyPem());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + certificateFile + " or " + privateKeyFile, e);
    }
  }

  /** An in-memory PKCS#12 key store holding this key under alias {@code server}. */
  public KeyStore toKeyStore(char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey, password, new Certificate[] {certificate, issuer});
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot build a key store for " + certificate.getSubjectX500Principal(), e);
    }
  }
}
