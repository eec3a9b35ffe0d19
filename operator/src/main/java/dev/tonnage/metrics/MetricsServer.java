package dev.tonnage.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's plain-HTTP endpoints: {@code GET /metrics} (Prometheus text, or OpenMetrics when
 * the Accept header asks for it), {@code GET /healthz} and {@code GET /readyz}. Answers are plain
 * text and never carry a stack trace. {@link #close()} lets requests in flight finish.
 */
public final class MetricsServer implements AutoCloseable {
  /** The {@code --metrics-port} default. */
  public static final int DEFAULT_PORT = 8080;

  /** All interfaces: in a cluster the kubelet and Prometheus reach the Pod IP. */
  public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final PrometheusMeterRegistry registry;
  private final Health health;
  private final Server server;
  private final ServerConnector connector;
  private volatile int port = -1;

  /**
   * @param bindAddress an address of this host, e.g. {@link #DEFAULT_BIND_ADDRESS} or 127.0.0.1
   * @param port the port to listen on; 0 picks a free one (see {@link #port()})
   */
  public MetricsServer(
      String bindAddress, int port, PrometheusMeterRegistry registry, Health health) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.health = Objects.requireNonNull(health, "health");
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("tonnage-metrics");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(Objects.requireNonNull(bindAddress, "bindAddress"));
    connector.setPort(port);
    server.addConnector(connector);
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowCauses(false);
    errors.setShowMessageInTitle(false);
    errors.setDefaultResponseMimeType("text/plain");
    server.setErrorHandler(errors);
    server.setHandler(new GracefulHandler(new Endpoints()));
    server.setStopTimeout(STOP_TIMEOUT.toMillis());
  }

  /** Starts listening; returns this. */
  public MetricsServer start() throws IOException {
    try {
      server.start();
      port = connector.getLocalPort();
      LOG.info("Serving /metrics, /healthz and /readyz on {}:{}", connector.getHost(), port());
      return this;
    } catch (Exception e) {
      stopQuietly();
      throw new IOException(
          "cannot serve metrics on "
              + connector.getHost()
              + ":"
              + connector.getPort()
              + " ("
              + e.getMessage()
              + "); choose a free --metrics-port or another bind address",
          e);
    }
  }

  /** The port listened on: the one asked for, or the one picked for port 0; -1 before start. */
  public int port() {
    return port;
  }

  /** Stops accepting, lets requests in flight finish (up to 5 s), then stops. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Metrics server did not stop cleanly: {}", e.toString());
    }
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("Metrics server cleanup after a failed start", e);
    }
  }

  /** Routes by path; everything else is 404, every method but GET is 405. */
  private final class Endpoints extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      try {
        if (!HttpMethod.GET.is(request.getMethod())) {
          response.getHeaders().put(HttpHeader.ALLOW, "GET");
          answer(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET is served\n");
          return true;
        }
        switch (path) {
          case "/metrics" -> metrics(request, response, callback);
          case "/healthz" -> probe(health.liveness(), response, callback);
          case "/readyz" -> probe(health.readiness(), response, callback);
          default ->
              answer(
                  response,
                  callback,
                  HttpStatus.NOT_FOUND_404,
                  "no endpoint " + path + "; try /metrics, /healthz or /readyz\n");
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Answering GET {} failed", path, e);
        answer(
            response,
            callback,
            HttpStatus.INTERNAL_SERVER_ERROR_500,
            "internal error; the operator log has the details\n");
      }
      return true;
    }

    private void metrics(Request request, Response response, Callback callback) throws IOException {
      String accept = request.getHeaders().get(HttpHeader.ACCEPT);
      String contentType =
          accept != null && accept.contains("application/openmetrics-text")
              ? OPENMETRICS_TEXT
              : PROMETHEUS_TEXT;
      ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
      registry.scrape(body, contentType);
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
    }

    private void probe(Health.Status status, Response response, Callback callback) {
      int code = status.ok() ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503;
      answer(response, callback, code, status.body());
    }

    private void answer(Response response, Callback callback, int status, String text) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, PLAIN_TEXT);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }
  }
}
