package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.events.EventWriter;
import dev.tonnage.metrics.Health;
import dev.tonnage.metrics.MetricsServer;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.tls.ServingCertificate;
import dev.tonnage.tls.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook server's limits against slow, idle and malformed clients, on loopback. */
class WebhookLimitsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Short limits so the test runs in seconds; the shapes are those of the defaults. */
  private static final WebhookLimits LIMITS =
      new WebhookLimits(
          64 * 1024,
          8L * 1024 * 1024,
          WebhookLimits.MAX_CONCURRENT_BODY_READS,
          WebhookLimits.MAX_CONNECTIONS,
          Duration.ofSeconds(3),
          Duration.ofSeconds(2),
          Duration.ofSeconds(3),
          WebhookLimits.MIN_BODY_DATA_RATE,
          Duration.ofSeconds(1));

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private ServingCertificate certificate;
  private AdmissionServer server;

  @AfterEach
  void close() throws Exception {
    java.util.Collections.reverse(opened);
    for (AutoCloseable resource : opened) {
      try {
        resource.close();
      } catch (Exception e) {
        // best effort: sockets the server already closed
      }
    }
  }

  private AdmissionServer server() throws Exception {
    TestCertificates.localhost().writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    certificate = new ServingCertificate(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    opened.add(certificate);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AdmissionReviewer reviewer =
        new AdmissionReviewer(
            new AdmissionSettings(Duration.ofSeconds(2), FailurePolicy.IGNORE, Clock.systemUTC()),
            new FakeAdmissionDecider(),
            new AdmissionExemptions(Set.of("kube-system"), namespace -> Map.of()),
            namespace -> Map.of(),
            new AdmissionReviewer.Observers(
                EventWriter.NONE, new AdmissionMetrics(new TonnageMetrics(meters))));
    server =
        new AdmissionServer(
            new AdmissionServer.Options(
                "127.0.0.1",
                0,
                Set.of(AdmissionEndpoint.VALIDATE, AdmissionEndpoint.MUTATE),
                LIMITS,
                Duration.ofSeconds(2)),
            certificate,
            reviewer);
    opened.add(server);
    return server;
  }

  @Test
  void aNormalReviewIsAnsweredWithinASecondWhileSlowAndIdleConnectionsAreOpenAndTheyAreClosed()
      throws Exception {
    server().start();
    // Warm up (class loading, JIT) so the timings measure the slow clients, not a cold JVM.
    for (int i = 0; i < 5; i++) {
      timedReview();
    }
    List<SSLSocket> slow = new ArrayList<>();
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      SSLSocket socket = tls();
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 60000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.add(socket);
    }
    for (int i = 0; i < 50; i++) {
      idle.add(tls());
      Socket plain = new Socket();
      opened.add(plain);
      plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
      idle.add(plain);
    }

    assertThat(timedReview()).isLessThan(Duration.ofSeconds(1));
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < until) {
      for (SSLSocket socket : slow) {
        trickle(socket);
      }
      Thread.sleep(200);
    }
    assertThat(timedReview()).isLessThan(Duration.ofSeconds(1));

    for (Socket socket : slow) {
      String answer = readToClose(socket, Duration.ofSeconds(4));
      assertThat(answer).startsWith("HTTP/1.1 408").contains("application/json");
    }
    for (Socket socket : idle) {
      assertThat(closedWithin(socket, Duration.ofSeconds(4))).isTrue();
    }
    assertThat(timedReview()).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void answersMalformedHttpAndOversizedHeadersWithJsonNotHtml() throws Exception {
    server().start();
    SSLSocket garbage = tls();
    garbage.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String bad = readToClose(garbage, Duration.ofSeconds(4));
    assertThat(bad).startsWith("HTTP/1.1 400").contains("application/json");
    assertJsonReview(bad, 400);

    SSLSocket headers = tls();
    headers
        .getOutputStream()
        .write(
            ("POST /validate HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "a".repeat(20_000)
                    + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    String big = readToClose(headers, Duration.ofSeconds(4));
    assertThat(big).startsWith("HTTP/1.1 431").contains("application/json");
    assertJsonReview(big, 431);
  }

  @Test
  void readyzIs503BeforeStart200OnceThePortServesAnd503AfterShutdownBegins() throws Exception {
    Health health = new Health();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsServer metrics = new MetricsServer("127.0.0.1", 0, meters, health).start();
    opened.add(metrics);
    AdmissionServer webhook = server();
    health.addReadinessCheck(webhook.readinessCheck());

    HttpResponse<String> before = readyz(metrics);
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).contains("[-] starting", "[-] webhook");

    webhook.start();
    health.started();
    HttpResponse<String> serving = readyz(metrics);
    assertThat(serving.statusCode()).isEqualTo(200);

    health.beginShutdown();
    HttpResponse<String> stopping = readyz(metrics);
    assertThat(stopping.statusCode()).isEqualTo(503);
    assertThat(stopping.body()).contains("[-] shutting-down");
  }

  private static HttpResponse<String> readyz(MetricsServer metrics) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonReview(String response, int code) throws IOException {
    JsonNode review = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertThat(review.at("/kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.at("/response/status/code").asInt()).isEqualTo(code);
    assertThat(response).doesNotContain("<html", "Exception");
  }

  private Duration timedReview() throws Exception {
    HttpClient client =
        TrustingClients.client(HttpClient.Version.HTTP_2, TestCertificates.CA.certificate());
    long started = System.nanoTime();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/validate"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.podCreate("normal")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).at("/response/uid").asText()).isEqualTo("normal");
    return took;
  }

  private SSLSocket tls() throws IOException {
    SSLSocket socket =
        (SSLSocket)
            TrustingClients.trusting(TestCertificates.CA.certificate())
                .getSocketFactory()
                .createSocket("127.0.0.1", server.port());
    opened.add(socket);
    socket.setSoTimeout(4000);
    socket.startHandshake();
    return socket;
  }

  private static void trickle(Socket socket) {
    try {
      socket.getOutputStream().write(' ');
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // closed by the server: what the test expects sooner or later
    }
  }

  /** What the server sent until it closed the connection (bounded in time). */
  private static String readToClose(Socket socket, Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      InputStream in = socket.getInputStream();
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        answer.write(chunk, 0, n);
      }
    } catch (IOException e) {
      if (answer.size() == 0) {
        throw e;
      }
    }
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  private static boolean closedWithin(Socket socket, Duration within) {
    try {
      socket.setSoTimeout((int) within.toMillis());
      return socket.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
