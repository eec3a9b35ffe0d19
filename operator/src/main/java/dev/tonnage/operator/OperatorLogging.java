package dev.tonnage.operator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The operator's logs: one line per event on stdout (what container runtimes collect), INFO for
 * Tonnage and WARN for libraries; DEBUG for Tonnage with {@code --verbose}. An explicit logback
 * configuration ({@code -Dlogback.configurationFile}) is left alone.
 */
final class OperatorLogging {

  private OperatorLogging() {}

  static void configure(boolean verbose) {
    if (System.getProperty("logback.configurationFile") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stdout);
    root.setLevel(Level.WARN);
    context.getLogger("dev.tonnage").setLevel(verbose ? Level.DEBUG : Level.INFO);
  }
}
