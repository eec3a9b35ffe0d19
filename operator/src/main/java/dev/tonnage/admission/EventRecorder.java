package dev.tonnage.admission;

/**
 * Records Events off the request path: {@link #record} returns at once and must never block or
 * throw, whatever the API server does.
 */
@FunctionalInterface
public interface EventRecorder {

  /** Drops every event: for the CLI, benchmarks and tests that do not look at events. */
  EventRecorder NONE = (involved, event) -> {};

  void record(ObjectRef involved, AdmissionEvent event);
}
