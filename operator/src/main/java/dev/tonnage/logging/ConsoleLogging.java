package dev.tonnage.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Console logging for every entry point (CLI commands and the operator): one appender on stdout or
 * stderr, libraries at WARN, Tonnage's own loggers at a chosen level. Does nothing when slf4j is
 * bound to something other than logback.
 */
public final class ConsoleLogging {

  /** Where the lines go: the CLI keeps stdout for its result, the operator logs to stdout. */
  public enum Target {
    STDOUT("System.out"),
    STDERR("System.err");

    private final String logbackName;

    Target(String logbackName) {
      this.logbackName = logbackName;
    }
  }

  /** The logger of fabric8's warnings about alpha and beta API versions. */
  static final String FABRIC8_VERSION_WARNINGS =
      "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils";

  /** Level, short logger name and message: the CLI's warnings, and anything before set-up. */
  public static final String PLAIN_PATTERN = "%-5level %logger{0} - %msg%n";

  private ConsoleLogging() {}

  /** Lines laid out by a logback {@code pattern}. */
  public static void text(Target target, String pattern, Level tonnageLevel) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      text(context, target, pattern, tonnageLevel);
    }
  }

  static void text(LoggerContext context, Target target, String pattern, Level tonnageLevel) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setPattern(pattern);
    configure(context, target, encoder, tonnageLevel);
  }

  /** One JSON object per line: timestamp, level, thread, logger, formatted message, throwable. */
  public static void json(Target target, Level tonnageLevel) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setWithSequenceNumber(false);
    encoder.setWithContext(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      configure(context, target, encoder, tonnageLevel);
    } // else another slf4j binding: leave it as configured
  }

  private static void configure(
      LoggerContext context, Target target, Encoder<ILoggingEvent> encoder, Level tonnageLevel) {
    context.reset();
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setTarget(target.logbackName);
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(Level.WARN);
    context.getLogger("dev.tonnage").setLevel(tonnageLevel);
    // fabric8 warns on every start that tonnage.dev/v1alpha1 is an "unstable version": the
    // project's own API version, known and chosen, so nothing a reader can act on.
    context.getLogger(FABRIC8_VERSION_WARNINGS).setLevel(Level.ERROR);
  }
}
