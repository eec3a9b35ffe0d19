package dev.tonnage.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleLoggingTest {

  @Test
  void fabric8sUnstableVersionWarningsAreSilencedAndOtherLibraryWarningsKept() {
    ConsoleLogging.text(ConsoleLogging.Target.STDERR, "%msg%n", Level.INFO);

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger(ConsoleLogging.FABRIC8_VERSION_WARNINGS).isWarnEnabled())
        .isFalse();
    assertThat(context.getLogger(ConsoleLogging.FABRIC8_VERSION_WARNINGS).isErrorEnabled())
        .isTrue();
    assertThat(context.getLogger("io.fabric8.kubernetes.client.informers").isWarnEnabled())
        .isTrue();
    assertThat(context.getLogger("dev.tonnage.operator").isInfoEnabled()).isTrue();
  }
}
