package dev.tonnage.registry;

import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The HTTP client for a URL's scheme: one for plain HTTP, built at once, and one for HTTPS, built
 * on the first HTTPS request, sharing the connection pool, dispatcher, interceptors and timeouts.
 * Setting up TLS (reading the JVM's trusted CAs) costs a short CLI run against a plain-HTTP
 * registry a fifth of its CPU time; that run never needs it. Configured CA bundles are read at
 * once, so that a bad bundle fails at start-up, not at the first HTTPS request.
 */
final class SchemeClients {
  private static final List<ConnectionSpec> TLS_SPECS =
      List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT);

  private final OkHttpClient plain;
  private final TrustBundle trust;
  private volatile OkHttpClient https;

  /**
   * @param builder everything but the connection specs and TLS settings
   * @param trust the configured trust, or null for the JVM's own (set up on first use)
   */
  SchemeClients(OkHttpClient.Builder builder, TrustBundle trust) {
    this.plain = builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
    this.trust = trust;
    if (trust != null) {
      https = tls();
    }
  }

  OkHttpClient forUrl(HttpUrl url) {
    if (!url.isHttps()) {
      return plain;
    }
    OkHttpClient client = https;
    if (client == null) {
      synchronized (this) {
        client = https;
        if (client == null) {
          client = tls();
          https = client;
        }
      }
    }
    return client;
  }

  private OkHttpClient tls() {
    OkHttpClient.Builder builder = plain.newBuilder().connectionSpecs(TLS_SPECS);
    if (trust != null) {
      builder.sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager());
    }
    return builder.build();
  }

  /** Stops the shared dispatcher and drops the shared idle connections. */
  void close() {
    plain.dispatcher().executorService().shutdown();
    plain.connectionPool().evictAll();
  }
}
