package dev.tonnage.admission;

import dev.tonnage.tls.ServingCertificate;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's HTTPS server: Jetty 12 with TLS 1.2+ and HTTP/2 or HTTP/1.1 by ALPN, serving the
 * certificate of a {@link ServingCertificate} (which swaps in rotated certificates without a
 * restart). {@link #stop()} is graceful: it stops accepting, lets in-flight reviews finish within
 * the stop timeout, then closes.
 */
public final class AdmissionServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);

  /**
   * 7 MiB: above the largest AdmissionReview the API server sends (objects are at most 1.5 MiB).
   */
  public static final int DEFAULT_MAX_BODY_BYTES = 7 * 1024 * 1024;

  private final Server server;
  private final ServerConnector connector;
  private final ServingCertificate certificate;

  /**
   * Where and how to listen.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
   * @param port the port; 0 picks a free one
   * @param endpoints the endpoints to serve
   * @param maxBodyBytes the request body cap
   * @param stopTimeout how long {@link #stop()} waits for in-flight reviews
   */
  public record Options(
      String host,
      int port,
      Set<AdmissionEndpoint> endpoints,
      int maxBodyBytes,
      Duration stopTimeout) {

    public Options {
      endpoints = Set.copyOf(endpoints);
    }

    /** The operator's webhooks: {@code /validate} and {@code /mutate}. */
    public static Options webhooks(String host, int port) {
      return new Options(
          host,
          port,
          Set.of(AdmissionEndpoint.VALIDATE, AdmissionEndpoint.MUTATE),
          DEFAULT_MAX_BODY_BYTES,
          Duration.ofSeconds(15));
    }
  }

  public AdmissionServer(
      Options options, ServingCertificate certificate, AdmissionReviewer reviewer) {
    this.certificate = certificate;
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("tonnage-webhook");
    server = new Server(threads);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // The API server dials an IP or a service name the certificate may not carry as SNI: do not
    // refuse on SNI, certificate checking is the client's job.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);

    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    SslConnectionFactory tls =
        new SslConnectionFactory(certificate.sslContextFactory(), alpn.getProtocol());

    connector = new ServerConnector(server, tls, alpn, h2, http11);
    connector.setHost(options.host());
    connector.setPort(options.port());
    server.addConnector(connector);

    server.setHandler(
        new GracefulHandler(
            new AdmissionHttpHandler(reviewer, options.endpoints(), options.maxBodyBytes())));
    server.setStopTimeout(options.stopTimeout().toMillis());
    server.setStopAtShutdown(false);
  }

  /** Binds and starts serving; throws when the port cannot be bound. */
  public void start() throws Exception {
    server.start();
    LOG.info(
        "admission webhook listening on https://{}:{}",
        connector.getHost() == null ? "0.0.0.0" : connector.getHost(),
        port());
  }

  /** The bound port (useful when configured with 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** True while the webhook accepts connections with a loaded certificate: the readiness seam. */
  public boolean isReady() {
    return server.isStarted()
        && connector.isOpen()
        && certificate.current() != null
        && certificate.sslContextFactory().isStarted();
  }

  /** {@link #isReady()} as a supplier, for a readiness endpoint. */
  public BooleanSupplier readiness() {
    return this::isReady;
  }

  /** Stops accepting, lets in-flight reviews finish (within the stop timeout), then closes. */
  public void stop() {
    try {
      server.stop();
      LOG.info("admission webhook stopped");
    } catch (Exception e) {
      LOG.warn("admission webhook did not stop cleanly: {}", e.toString());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
