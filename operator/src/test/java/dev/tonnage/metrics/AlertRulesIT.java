package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the real promtool: the alert rules load, their unit tests pass, and a scrape of a populated
 * registry passes Prometheus' metric lint.
 */
class AlertRulesIT {
  private static final Path FILES = RepoFiles.chartFile("");

  /** $TONNAGE_BIN/promtool, else ~/.cache/tonnage/bin/promtool, else /usr/bin/promtool. */
  static Path promtool() {
    List<Path> candidates = new ArrayList<>();
    String bin = System.getenv("TONNAGE_BIN");
    if (bin != null && !bin.isBlank()) {
      candidates.add(Path.of(bin, "promtool"));
    }
    candidates.add(Path.of(System.getProperty("user.home"), ".cache/tonnage/bin/promtool"));
    candidates.add(Path.of("/usr/bin/promtool"));
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "promtool not found at any of " + candidates + "; run e2e/env/provision.sh"));
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(promtool().toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(FILES.toFile()).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), output);
  }

  @Test
  void alertRulesPassPromtoolCheck() throws Exception {
    Result result = run(null, "check", "rules", "alert-rules.yaml");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 6 rules found");
  }

  @Test
  void alertUnitTestsPassPromtoolTest() throws Exception {
    Result result = run(null, "test", "rules", "alert-rules-test.yaml");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void aRealScrapePassesPromtoolMetricLint() throws Exception {
    PrometheusMeterRegistry registry = PopulatedRegistry.create();
    // A collection makes the GC timers appear, so the lint covers them too.
    System.gc();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> registry.scrape().contains("jvm_gc_pause_seconds_count"));
    String scrape = registry.scrape();

    Result result = run(scrape, "check", "metrics");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isBlank();
  }
}
