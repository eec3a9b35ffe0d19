package dev.tonnage.operator;

import ch.qos.logback.classic.Level;
import dev.tonnage.logging.ConsoleLogging;
import java.util.Locale;

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
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    if (format == Format.JSON) {
      ConsoleLogging.json(ConsoleLogging.Target.STDOUT, level);
    } else {
      ConsoleLogging.text(
          ConsoleLogging.Target.STDOUT,
          "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n",
          level);
    }
  }
}
