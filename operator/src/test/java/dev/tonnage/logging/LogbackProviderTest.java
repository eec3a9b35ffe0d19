package dev.tonnage.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.Reporter;

class LogbackProviderTest {

  @Test
  void startsWithWarningsOnStderrWithoutLookingForConfigurations() {
    LogbackProvider provider = new LogbackProvider();
    provider.initialize();

    LoggerContext context = (LoggerContext) provider.getLoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(appenders::add);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("dev.tonnage").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(appenders).hasSize(1);
    assertThat(appenders.get(0))
        .isInstanceOfSatisfying(
            ConsoleAppender.class,
            console -> assertThat(console.getTarget()).isEqualTo("System.err"));
    assertThat(context.isStarted()).isTrue();
    assertThat(provider.getMDCAdapter()).isNotNull();
    assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
  }

  @Test
  void installNamesItselfUnlessAProviderWasNamed() {
    String provider = System.getProperty("slf4j.provider");
    String verbosity = System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY);
    try {
      System.clearProperty("slf4j.provider");
      System.clearProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY);
      LogbackProvider.install();
      assertThat(System.getProperty("slf4j.provider")).isEqualTo(LogbackProvider.class.getName());
      assertThat(System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY)).isEqualTo("WARN");

      System.setProperty("slf4j.provider", "org.example.Other");
      System.setProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY, "DEBUG");
      LogbackProvider.install();
      assertThat(System.getProperty("slf4j.provider")).isEqualTo("org.example.Other");
      assertThat(System.getProperty(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY)).isEqualTo("DEBUG");
    } finally {
      restore("slf4j.provider", provider);
      restore(Reporter.SLF4J_INTERNAL_VERBOSITY_KEY, verbosity);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
