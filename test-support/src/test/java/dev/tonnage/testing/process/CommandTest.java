package dev.tonnage.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommandTest {

  private static final Path SH = Path.of("/bin/sh");

  @Test
  void capturesStdoutStderrAndExitCodeSeparately() {
    ProcessResult result = Command.of(SH, "-c", "echo out; echo err >&2; exit 3").run();

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void feedsStdinAndEnvironment() {
    ProcessResult result =
        Command.of(SH, "-c", "read line; echo \"$line $GREETING\"")
            .withInput("hello\n")
            .withEnvironment("GREETING", "world")
            .run();

    assertThat(result.requireSuccess().stdout()).isEqualTo("hello world\n");
  }

  @Test
  void largeOutputOnBothStreamsDoesNotDeadlock() {
    ProcessResult result =
        Command.of(SH, "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2")
            .withTimeout(Duration.ofSeconds(20))
            .run();

    assertThat(result.stdout()).hasSize(300000);
    assertThat(result.stderr()).hasSize(300000);
  }

  @Test
  void aFailedCommandNamesItselfAndItsOutput() {
    ProcessResult result = Command.of(SH, "-c", "echo broken >&2; exit 1").run();

    assertThatThrownBy(result::requireSuccess)
        .hasMessageContaining("exit code 1")
        .hasMessageContaining("/bin/sh -c")
        .hasMessageContaining("broken");
  }

  @Test
  void aCommandThatOverrunsItsTimeoutIsKilled() {
    Command slow = Command.of(SH, "-c", "sleep 30").withTimeout(Duration.ofMillis(200));

    assertThatThrownBy(slow::run).hasMessageContaining("did not finish within PT0.2S");
  }
}
