package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerIT {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TonnageMetrics metrics = new TonnageMetrics(registry);
  private final Health health = new Health();
  private final OkHttpClient client =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    health.started();
    server = new MetricsServer("127.0.0.1", 0, registry, health).start();
  }

  @AfterEach
  void stop() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    server.close();
    metrics.close();
  }

  private Response get(String path, String accept) throws IOException {
    Request.Builder request = new Request.Builder().url(url(path));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return client.newCall(request.build()).execute();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  @Test
  void metricsAnswerPrometheusTextWithTheRecordedSeries() throws IOException {
    metrics.recordImage("docker.io/library/nginx:1.27", "linux/amd64", 72_000_000, null, 7);

    try (Response response = get("/metrics", "text/plain")) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Content-Type"))
          .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      Exposition exposition = Exposition.parse(response.body().string());
      assertThat(
              exposition.value(
                  "tonnage_image_compressed_size_bytes",
                  "image",
                  "docker.io/library/nginx:1.27",
                  "platform",
                  "linux/amd64"))
          .isEqualTo(72e6);
    }
  }

  @Test
  void metricsAnswerOpenMetricsWhenAskedAsPrometheusDoes() throws IOException {
    String prometheusAccept =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
            + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    try (Response response = get("/metrics", prometheusAccept)) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Content-Type"))
          .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
      String body = response.body().string();
      assertThat(body).contains("# TYPE tonnage_audit_interval_seconds gauge").endsWith("# EOF\n");
    }
  }

  @Test
  void healthzIsOkUntilShutdownBegins() throws IOException {
    try (Response response = get("/healthz", null)) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("ok\n");
    }

    health.beginShutdown();

    try (Response response = get("/healthz", null)) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.body().string()).contains("[-] shutting-down");
    }
  }

  @Test
  void readyzIs503ListingFailingChecksUntilAllPass() throws IOException {
    AtomicBoolean synced = new AtomicBoolean();
    health.addReadinessCheck(ReadinessCheck.of("informers-synced", synced::get));
    health.addReadinessCheck(ReadinessCheck.of("tls-material", () -> true));

    try (Response response = get("/readyz", null)) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(response.body().string()).isEqualTo("failing checks:\n[-] informers-synced\n");
    }

    synced.set(true);

    try (Response response = get("/readyz", null)) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("ok\n");
    }
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws IOException {
    try (Response response = get("/admin", null)) {
      assertThat(response.code()).isEqualTo(404);
      assertThat(response.body().string()).contains("/metrics, /healthz or /readyz");
    }
    Request post =
        new Request.Builder()
            .url(url("/metrics"))
            .post(RequestBody.create("x", MediaType.get("text/plain")))
            .build();
    try (Response response = client.newCall(post).execute()) {
      assertThat(response.code()).isEqualTo(405);
      assertThat(response.header("Allow")).isEqualTo("GET");
    }
  }

  @Test
  void aMalformedRequestGetsNoStackTraceNorServerVersion() throws IOException {
    String answer;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /metrics HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).doesNotContain("Exception", "\tat ", "Jetty", "jetty");
  }

  @Test
  void closeLetsARequestInFlightFinishThenRefusesConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    health.addReadinessCheck(
        ReadinessCheck.of(
            "slow",
            () -> {
              entered.countDown();
              try {
                return release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            }));
    CompletableFuture<String> inFlight =
        CompletableFuture.supplyAsync(
            () -> {
              try (Response response = get("/readyz", null)) {
                return response.code() + " " + response.body().string();
              } catch (IOException e) {
                return e.toString();
              }
            });
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Thread.sleep(300);
    assertThat(closing).isNotDone();
    release.countDown();

    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("200 ok\n");
    closing.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> get("/healthz", null).close()).isInstanceOf(IOException.class);
  }

  @Test
  void aBusyPortFailsWithTheFlagToChange() {
    MetricsServer second = new MetricsServer("127.0.0.1", server.port(), registry, health);

    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + server.port())
        .hasMessageContaining("--metrics-port");
  }
}
