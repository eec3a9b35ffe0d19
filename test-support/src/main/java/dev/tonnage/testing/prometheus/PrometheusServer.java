package dev.tonnage.testing.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A real Prometheus on 127.0.0.1 scraping the given targets every second, answering PromQL.
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusServer.start(List.of(registry.debugHostPort()))) {
 *   prometheus.awaitSeries("up{job=\"target-0\"} == 1", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class PrometheusServer implements ComponentLogs, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final ScratchDirectory scratch;
  private final int port;
  private final OkHttpClient http;
  private ManagedProcess process;

  private PrometheusServer(ScratchDirectory scratch, int port) {
    this.scratch = scratch;
    this.port = port;
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(1, TimeUnit.SECONDS)
            .readTimeout(10, TimeUnit.SECONDS)
            .build();
  }

  /** Scrapes {@code targets} ({@code host:port} or URLs), job {@code target-N} for the N-th. */
  public static PrometheusServer start(List<String> targets) {
    return builder().targets(targets).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://" + hostPort();
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /**
   * Runs an instant query; returns the {@code data} object ({@code resultType}, {@code result}).
   */
  public JsonNode query(String promql) {
    HttpUrl url =
        HttpUrl.get(url() + "/api/v1/query")
            .newBuilder()
            .addQueryParameter("query", promql)
            .build();
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      String body = response.body().string();
      JsonNode json = JSON.readTree(body);
      if (!response.isSuccessful() || !"success".equals(json.path("status").asText())) {
        throw new IllegalStateException(
            "PromQL query failed (HTTP " + response.code() + "): " + promql + " -> " + body);
      }
      return json.get("data");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot query Prometheus at " + url(), e);
    }
  }

  /** The single value of a scalar or one-sample vector query; fails when there is none. */
  public double scalar(String promql) {
    JsonNode data = query(promql);
    JsonNode result = data.path("result");
    JsonNode value;
    switch (data.path("resultType").asText()) {
      case "scalar" -> value = result;
      case "vector" -> {
        if (result.size() != 1) {
          throw new IllegalStateException(
              "expected one sample from " + promql + ", found " + result.size() + ": " + result);
        }
        value = result.get(0).path("value");
      }
      default ->
          throw new IllegalStateException(
              "not a scalar or vector result for " + promql + ": " + data);
    }
    return Double.parseDouble(value.get(1).asText());
  }

  /**
   * Polls {@code promql} until it returns a non-empty result (e.g. after the first scrapes);
   * returns the {@code result} array.
   */
  public JsonNode awaitSeries(String promql, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last;
    do {
      last = query(promql).path("result");
      if (last.isArray() && !last.isEmpty()) {
        return last;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + promql, e);
      }
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException(
        "no series for "
            + promql
            + " within "
            + timeout
            + "; last result "
            + last
            + "; targets: "
            + targets());
  }

  /** The {@code /api/v1/targets} answer, for failure messages. */
  public String targets() {
    Request request = new Request.Builder().url(url() + "/api/v1/targets").build();
    try (Response response = http.newCall(request).execute()) {
      return response.body().string();
    } catch (IOException e) {
      return "(cannot read targets: " + e + ")";
    }
  }

  /** Runs {@code promtool} (found like every other binary). */
  public static ProcessResult promtool(String... args) {
    return Promtool.locate().run(args);
  }

  @Override
  public String componentName() {
    return "prometheus " + hostPort();
  }

  @Override
  public String logs() {
    return process == null ? "" : process.logs();
  }

  @Override
  public void close() {
    try {
      if (process != null) {
        process.close();
      }
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      scratch.close();
    }
  }

  static String config(List<ScrapeTarget> targets, Duration interval, List<Path> ruleFiles) {
    String seconds = interval.toMillis() + "ms";
    StringBuilder yaml = new StringBuilder();
    yaml.append(
        """
        global:
          scrape_interval: %s
          scrape_timeout: %s
          evaluation_interval: %s
        """
            .formatted(seconds, seconds, seconds));
    if (!ruleFiles.isEmpty()) {
      yaml.append("rule_files:\n");
      ruleFiles.forEach(file -> yaml.append("  - ").append(file).append('\n'));
    }
    yaml.append("scrape_configs:\n");
    for (int i = 0; i < targets.size(); i++) {
      ScrapeTarget target = targets.get(i);
      yaml.append(
          """
            - job_name: target-%d
              scheme: %s
              metrics_path: %s
              static_configs:
                - targets: ['%s']
          """
              .formatted(i, target.scheme(), target.path(), target.hostPort()));
      if ("https".equals(target.scheme())) {
        yaml.append("    tls_config:\n      insecure_skip_verify: true\n");
      }
    }
    return yaml.toString();
  }

  private void launch(Path executable, String config) {
    Path configFile = scratch.write("prometheus.yml", config);
    process =
        ManagedProcess.builder(componentName(), executable)
            .args(
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + scratch.directory("data"),
                "--web.listen-address=" + hostPort(),
                "--web.enable-lifecycle")
            .workingDirectory(scratch.path())
            .logFile(scratch.path().resolve("prometheus.log"))
            .stopGracePeriod(Duration.ofSeconds(3))
            .start();
    process.awaitReady(READY_TIMEOUT, this::isReady);
  }

  private boolean isReady() throws IOException {
    Request request = new Request.Builder().url(url() + "/-/ready").build();
    try (Response response = http.newCall(request).execute()) {
      return response.code() == 200;
    }
  }

  /** Targets, scrape interval and rule files. */
  public static final class Builder {
    private final List<ScrapeTarget> targets = new ArrayList<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private Duration scrapeInterval = Duration.ofSeconds(1);

    private Builder() {}

    public Builder targets(List<String> values) {
      values.forEach(this::target);
      return this;
    }

    /** {@code host:port} (HTTP, /metrics) or a full URL; job {@code target-N}. */
    public Builder target(String value) {
      targets.add(ScrapeTarget.parse(value));
      return this;
    }

    /** Also the rule evaluation interval (default 1 s). */
    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = interval;
      return this;
    }

    /** A recording or alerting rule file to evaluate. */
    public Builder ruleFile(Path file) {
      ruleFiles.add(file);
      return this;
    }

    public PrometheusServer start() {
      Path executable = Binaries.fromEnvironment().require("prometheus");
      ScratchDirectory scratch = ScratchDirectory.create("prometheus");
      PrometheusServer server = new PrometheusServer(scratch, FreePorts.pick());
      try {
        server.launch(executable, config(targets, scrapeInterval, ruleFiles));
        return server;
      } catch (RuntimeException e) {
        String logs = server.logs();
        server.close();
        e.addSuppressed(new IllegalStateException("prometheus log:\n" + logs));
        throw e;
      }
    }
  }
}
