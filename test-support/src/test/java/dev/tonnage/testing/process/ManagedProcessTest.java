package dev.tonnage.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

  private static final Path SH = Path.of("/bin/sh");

  @TempDir Path directory;

  @Test
  void closeKillsTheProcessAndItsChildren() throws Exception {
    Path childPid = directory.resolve("child.pid");
    ManagedProcess process =
        ManagedProcess.builder("sleeper", SH)
            .args("-c", "sleep 60 & echo $! > " + childPid + "; wait")
            .logFile(directory.resolve("sleeper.log"))
            .start();
    process.awaitReady(
        Duration.ofSeconds(5), () -> Files.exists(childPid) && Files.size(childPid) > 0);
    long child = Long.parseLong(Files.readString(childPid).trim());

    process.close();

    assertThat(process.isAlive()).isFalse();
    assertThat(ProcessHandle.of(child).map(ManagedProcess::isRunning).orElse(false)).isFalse();
  }

  @Test
  void logsHoldStdoutAndStderrAndSurviveTheLogFile() throws Exception {
    ManagedProcess process =
        ManagedProcess.builder("talker", SH)
            .args("-c", "echo to-out; echo to-err >&2; sleep 60")
            .logFile(directory.resolve("talker.log"))
            .start();
    process.awaitReady(Duration.ofSeconds(5), () -> process.logs().contains("to-err"));
    process.close();
    Files.delete(directory.resolve("talker.log"));

    assertThat(process.logs()).contains("to-out", "to-err");
  }

  @Test
  void aProcessThatExitsBeforeReadyFailsWithItsLog() {
    ManagedProcess process =
        ManagedProcess.builder("crasher", SH)
            .args(List.of("-c", "echo 'bind: address already in use'; exit 2"))
            .logFile(directory.resolve("crasher.log"))
            .start();

    assertThatThrownBy(() -> process.awaitReady(Duration.ofSeconds(5), () -> false))
        .hasMessageContaining("crasher exited with code 2 before it was ready")
        .hasMessageContaining("address already in use");
    process.close();
  }

  @Test
  void aProcessNeverReadyFailsAfterTheTimeoutWithTheLastProbeError() {
    try (ManagedProcess process =
        ManagedProcess.builder("silent", SH)
            .args("-c", "sleep 60")
            .logFile(directory.resolve("silent.log"))
            .start()) {
      assertThatThrownBy(
              () ->
                  process.awaitReady(
                      Duration.ofMillis(200),
                      () -> {
                        throw new IllegalStateException("connection refused");
                      }))
          .hasMessageContaining("silent was not ready within PT0.2S")
          .hasMessageContaining("connection refused");
    }
  }
}
