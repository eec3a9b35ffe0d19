package dev.tonnage.admission;

import dev.tonnage.testing.tls.TrustedCertificates;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** JDK HTTP clients that trust given CAs, as the API server trusts the caBundle. */
final class TrustingClients {

  private TrustingClients() {}

  static SSLContext trusting(X509Certificate... cas) {
    return TrustedCertificates.sslContext(TrustedCertificates.trustManager(cas));
  }

  static HttpClient client(HttpClient.Version version, X509Certificate... cas) {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(trusting(cas))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
