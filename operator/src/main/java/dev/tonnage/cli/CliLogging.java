package dev.tonnage.cli;

import ch.qos.logback.classic.Level;
import dev.tonnage.logging.ConsoleLogging;

/**
 * Logging for the one-shot CLI commands: to stderr only (stdout carries the result, e.g. JSON),
 * warnings by default, debug with {@code --verbose}. The operator configures its own.
 */
final class CliLogging {
  private CliLogging() {}

  static void toStderr(boolean verbose) {
    ConsoleLogging.text(
        ConsoleLogging.Target.STDERR,
        "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n",
        verbose ? Level.DEBUG : Level.WARN);
  }
}
