package dev.tonnage.testing.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PrintComponentLogsOnFailure.class)
class PrometheusServerIT {

  private static RegistryServer registry;
  private static PrometheusServer prometheus;

  @TempDir Path directory;

  @BeforeAll
  static void start() {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    prometheus = PrometheusServer.start(List.of(registry.debugHostPort()));
  }

  @AfterAll
  static void stop() {
    prometheus.close();
    registry.close();
  }

  @Test
  void scrapesItsTargetsAndAnswersPromql() {
    JsonNode up = prometheus.awaitSeries("up{job=\"target-0\"} == 1", Duration.ofSeconds(15));

    assertThat(up.get(0).path("metric").path("instance").asText())
        .isEqualTo(registry.debugHostPort());
    assertThat(prometheus.scalar("count(up)")).isEqualTo(1.0);
    assertThat(prometheus.scalar("scalar(vector(42))")).isEqualTo(42.0);
  }

  @Test
  void promtoolChecksRulesAndMetrics() throws Exception {
    Path rules =
        Files.writeString(
            directory.resolve("rules.yml"),
            """
            groups:
              - name: tonnage
                rules:
                  - alert: RegistryDown
                    expr: up == 0
                    for: 1m
            """);
    String metrics;
    try (Response response =
        new OkHttpClient()
            .newCall(new Request.Builder().url(registry.metricsUrl()).build())
            .execute()) {
      metrics = response.body().string();
    }

    ProcessResult checkRules = PrometheusServer.promtool("check", "rules", rules.toString());
    ProcessResult checkMetrics = Promtool.locate().runWithInput(metrics, "check", "metrics");

    assertThat(checkRules.requireSuccess().stdout()).contains("SUCCESS: 1 rules found");
    assertThat(checkMetrics.exitCode()).as(checkMetrics.stdout() + checkMetrics.stderr()).isZero();
  }
}
