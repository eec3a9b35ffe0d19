package dev.tonnage.operator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The operator's logs: one line per event on stdout (what container runtimes collect), INFO for
 * Tonnage (or {@code --log-level}) and WARN for libraries; text lines or JSON lines ({@code
 * --log-format}). An explicit logback configuration ({@code -Dlogback.configurationFile}) is left
 * alone.
 */
final class OperatorLogging {

  /** The two line formats: human text, or one JSON object per line for log pipelines. */
  enum Format {
    TEXT,
    JSON
  }

  private OperatorLogging() {}

  static void configure(Format format, String tonnageLevel) {
    Level level = Level.toLevel(tonnageLevel.toUpperCase(Locale.ROOT), null);
    if (level == null) {
      throw new IllegalArgumentException(
          "--log-level must be ERROR, WARN, INFO, DEBUG or TRACE; got " + tonnageLevel);
    }
    if (System.getProperty("logback.configurationFile") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithContext(false);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
      encoder = text;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stdout);
    root.setLevel(Level.WARN);
    context.getLogger("dev.tonnage").setLevel(level);
  }
}
