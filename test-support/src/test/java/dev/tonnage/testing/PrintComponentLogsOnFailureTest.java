package dev.tonnage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintComponentLogsOnFailureTest {

  record FakeComponent(String componentName, String logs) implements ComponentLogs {}

  @Test
  void rendersTheComponentLogUnderItsName() {
    String rendered =
        PrintComponentLogsOnFailure.render(new FakeComponent("registry TLS", "line 1\nline 2"));

    assertThat(rendered)
        .isEqualTo(
            "===== logs of registry TLS =====\nline 1\nline 2\n===== end of logs of registry TLS =====");
  }

  @Test
  void keepsOnlyTheEndOfALongLog() {
    String log = "x".repeat(PrintComponentLogsOnFailure.MAX_CHARS_PER_COMPONENT) + "the failure\n";

    String rendered = PrintComponentLogsOnFailure.render(new FakeComponent("apiserver", log));

    assertThat(rendered).contains("[... 12 earlier characters cut ...]").contains("the failure");
  }
}
