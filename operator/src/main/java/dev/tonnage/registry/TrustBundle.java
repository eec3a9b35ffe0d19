package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The JVM's trusted CAs plus the PEM bundles a user configured, as one trust manager. */
record TrustBundle(X509TrustManager trustManager, SSLContext sslContext) {

  static TrustBundle of(Collection<Path> pemFiles) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (X509Certificate system : systemTrustManager().getAcceptedIssuers()) {
        store.setCertificateEntry("system-" + n++, system);
      }
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path file : pemFiles) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
          certificates = factory.generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
          throw new IllegalArgumentException(
              "cannot read CA bundle " + file + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
          throw new IllegalArgumentException(
              "CA bundle "
                  + file
                  + " holds no PEM certificate; expected -----BEGIN CERTIFICATE-----");
        }
        for (Certificate certificate : certificates) {
          store.setCertificateEntry("extra-" + n++, certificate);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      X509TrustManager trustManager = onlyX509(tmf.getTrustManagers());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return new TrustBundle(trustManager, context);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager systemTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return onlyX509(tmf.getTrustManagers());
  }

  private static X509TrustManager onlyX509(TrustManager[] managers) {
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("the JVM offers no X509TrustManager");
  }
}
