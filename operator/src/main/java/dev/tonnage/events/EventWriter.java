package dev.tonnage.events;

/**
 * Records Warning Events off the caller's path: {@link #warn} returns at once and never blocks or
 * throws, whatever the API server does.
 */
@FunctionalInterface
public interface EventWriter {

  /** Drops every Event: for the CLI, benchmarks and tests that do not look at Events. */
  EventWriter NONE = event -> {};

  void warn(WarningEvent event);
}
