package dev.tonnage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

class PrintComponentLogsOnFailureTest {

  record FakeComponent(String componentName, String logs) implements ComponentLogs {}

  @Test
  void rendersTheComponentLogUnderItsName() {
    String rendered =
        PrintComponentLogsOnFailure.render(new FakeComponent("registry TLS", "line 1\nline 2"));

    assertThat(rendered)
        .isEqualTo(
            "===== logs of registry TLS =====\nline 1\nline 2\n"
                + "===== end of logs of registry TLS =====");
  }

  @Test
  void keepsOnlyTheEndOfALongLog() {
    String log = "x".repeat(PrintComponentLogsOnFailure.MAX_CHARS_PER_COMPONENT) + "the failure\n";

    String rendered = PrintComponentLogsOnFailure.render(new FakeComponent("apiserver", log));

    assertThat(rendered).contains("[... 12 earlier characters cut ...]").contains("the failure");
  }

  @Test
  void printsTheLogsOfStaticAndInstanceComponentFieldsOnlyWhenATestFails() {
    String printed = stderrOf(SampleTests.class);

    assertThat(printed)
        .contains("===== logs of static component =====\nstatic log")
        .contains("===== logs of instance component =====\ninstance log");
    assertThat(printed.split("===== logs of static component").length - 1)
        .as("printed for the failing test only")
        .isEqualTo(1);
  }

  private static String stderrOf(Class<?> testClass) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      EngineTestKit.engine("junit-jupiter")
          .selectors(selectClass(testClass))
          .configurationParameter("junit.jupiter.conditions.deactivate", "*")
          .execute()
          .testEvents()
          .assertStatistics(stats -> stats.succeeded(1).failed(1));
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Run only through the test kit above: one failing and one passing test. */
  @ExtendWith(PrintComponentLogsOnFailure.class)
  static class SampleTests {
    static ComponentLogs shared = new FakeComponent("static component", "static log");
    ComponentLogs own = new FakeComponent("instance component", "instance log");

    @Test
    void failing() {
      throw new AssertionError("boom");
    }

    @Test
    void passing() {}
  }
}
