package dev.tonnage.admission;

import dev.tonnage.metrics.ReadinessCheck;
import dev.tonnage.tls.ServingCertificate;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
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

  /** The body cap of {@link WebhookLimits#DEFAULTS}. */
  public static final int DEFAULT_MAX_BODY_BYTES = WebhookLimits.MAX_BODY_BYTES;

  /** 64 threads: reviews wait for facts without a thread, so workers only parse and write. */
  static final int MAX_THREADS = 64;

  /** 8 threads kept: one acceptor and two selectors hold three for good. */
  static final int MIN_THREADS = 8;

  /**
   * Queued tasks are bounded by the connection limit times the HTTP/2 streams per connection (256 x
   * 32): Jetty queues one task per ready connection or stream. A bounded queue would reject Jetty's
   * own tasks (Jetty 12.1 warns against it), so the bound is enforced upstream.
   */
  static final int MAX_QUEUED_TASKS = WebhookLimits.MAX_CONNECTIONS * 32;

  /** One acceptor: accepting is cheap and never waits for a worker (selectors hand off). */
  static final int ACCEPTORS = 1;

  /** Two selectors: one per core of the operator's CPU request and limit. */
  static final int SELECTORS = 2;

  /** 8 KiB of request head: the API server sends a few short headers. */
  static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;

  /** 32 streams per HTTP/2 connection: each is a review in flight; bodies are budgeted anyway. */
  public static final int MAX_CONCURRENT_STREAMS = 32;

  /** 1 s idle timeout once the connection limit is reached: idle connections make room fast. */
  static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(1);

  private final Server server;
  private final ServerConnector connector;
  private final ServingCertificate certificate;

  /**
   * Where and how to listen.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
   * @param port the port; 0 picks a free one
   * @param endpoints the endpoints to serve
   * @param limits connections, timeouts and buffered bytes
   * @param stopTimeout how long {@link #stop()} waits for in-flight reviews
   */
  public record Options(
      String host,
      int port,
      Set<AdmissionEndpoint> endpoints,
      WebhookLimits limits,
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
          WebhookLimits.DEFAULTS,
          Duration.ofSeconds(15));
    }
  }

  public AdmissionServer(
      Options options, ServingCertificate certificate, AdmissionReviewer reviewer) {
    this.certificate = certificate;
    WebhookLimits limits = options.limits();
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
    threads.setName("tonnage-webhook");
    server = new Server(threads);
    server.setErrorHandler(new JsonErrorHandler());

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // The API server dials an IP or a service name the certificate may not carry as SNI: do not
    // refuse on SNI, certificate checking is the client's job.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);

    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    h2.setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS);
    h2.setStreamIdleTimeout(limits.idleTimeout().toMillis());
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    SslConnectionFactory tls =
        new SslConnectionFactory(certificate.sslContextFactory(), alpn.getProtocol());

    connector = new ServerConnector(server, ACCEPTORS, SELECTORS, tls, alpn, h2, http11);
    connector.setHost(options.host());
    connector.setPort(options.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);
    NetworkConnectionLimit connections =
        new NetworkConnectionLimit(limits.maxConnections(), connector);
    connections.setEndPointIdleTimeout(IDLE_TIMEOUT_AT_LIMIT.toMillis());
    server.addBean(connections);
    FirstRequestDeadline deadline =
        new FirstRequestDeadline(connector.getScheduler(), limits.firstRequestTimeout());
    connector.addBean(deadline);

    server.setHandler(
        new GracefulHandler(
            new AdmissionHttpHandler(reviewer, options.endpoints(), limits, deadline)));
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

  /**
   * Readiness {@code webhook}: a real TLS handshake to this server's port (cached a few seconds),
   * so /readyz says what the API server would find.
   */
  public ReadinessCheck readinessCheck() {
    String host = connector.getHost();
    String probe =
        host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")
            ? "127.0.0.1"
            : host;
    return new WebhookHandshakeCheck(
        probe, () -> server.isStarted() && connector.isOpen() ? port() : -1, certificate);
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
