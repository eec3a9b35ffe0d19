package dev.tonnage.admission;

import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK HTTP clients that trust given CAs, as the API server trusts the caBundle. */
final class TrustingClients {

  private TrustingClients() {}

  static SSLContext trusting(X509Certificate... cas) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        trust.setCertificateEntry("ca" + i, cas[i]);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpClient client(HttpClient.Version version, X509Certificate... cas) {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(trusting(cas))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
