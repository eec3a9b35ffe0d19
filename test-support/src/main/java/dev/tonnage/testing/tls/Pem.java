package dev.tonnage.testing.tls;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** PEM text of certificates and keys, in the forms Go's crypto/tls and kube-apiserver read. */
public final class Pem {

  private Pem() {}

  public static String certificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(
          "cannot encode certificate " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** PKCS#8 ("PRIVATE KEY"), read by Go for RSA and EC keys alike. */
  public static String privateKey(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /** X.509 SubjectPublicKeyInfo ("PUBLIC KEY"). */
  public static String publicKey(PublicKey key) {
    return encode("PUBLIC KEY", key.getEncoded());
  }

  static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
