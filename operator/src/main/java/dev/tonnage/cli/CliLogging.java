package dev.tonnage.cli;

import ch.qos.logback.classic.Level;
import dev.tonnage.logging.ConsoleLogging;

/**
 * Logging for the one-shot CLI commands: to stderr only (stdout carries the result, e.g. JSON),
 * warnings by default, debug with times (UTC) with {@code --verbose}. The operator configures its
 * own.
 */
final class CliLogging {
  private CliLogging() {}

  static void toStderr(boolean verbose) {
    if (verbose) {
      // UTC, as CI runners keep their clocks: the local zone's rules are a service lookup that
      // reads every jar of the class path (about 0.09 s of a run).
      ConsoleLogging.text(
          ConsoleLogging.Target.STDERR,
          "%d{HH:mm:ss.SSS, UTC} " + ConsoleLogging.PLAIN_PATTERN,
          Level.DEBUG);
    } else {
      // Warnings only, without a time: a CI log times its lines, and the date formatter's set-up
      // is about 0.01 s of a run that most often logs nothing.
      ConsoleLogging.text(ConsoleLogging.Target.STDERR, ConsoleLogging.PLAIN_PATTERN, Level.WARN);
    }
  }
}
