package dev.tonnage.testing;

/**
 * A running test component whose log a failing test can attach. {@link PrintComponentLogsOnFailure}
 * prints the logs of every field of this type when a test fails.
 */
public interface ComponentLogs {

  /** A short name for headings, e.g. {@code registry TLS 127.0.0.1:5000}. */
  String componentName();

  /** Everything the component logged so far (still available after it was closed). */
  String logs();
}
