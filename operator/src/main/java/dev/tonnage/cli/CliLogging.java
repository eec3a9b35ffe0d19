package dev.tonnage.cli;

import ch.qos.logback.classic.Level;
import dev.tonnage.logging.ConsoleLogging;

/**
 * Logging for the one-shot CLI commands: to stderr only (stdout carries the result, e.g. JSON),
 * warnings by default, debug with {@code --verbose}, times in UTC. The operator configures its own.
 */
final class CliLogging {
  private CliLogging() {}

  static void toStderr(boolean verbose) {
    ConsoleLogging.text(
        ConsoleLogging.Target.STDERR,
        // UTC, as CI runners keep their clocks: the local zone's rules are a service lookup that
        // reads every jar of the class path (about 0.09 s of each run).
        "%d{HH:mm:ss.SSS, UTC} %-5level %logger{0} - %msg%n",
        verbose ? Level.DEBUG : Level.WARN);
  }
}
