package dev.tonnage.testing.process;

/**
 * How a finished command ended.
 *
 * @param command the command line, for messages
 * @param exitCode the process exit code
 * @param stdout everything written to stdout
 * @param stderr everything written to stderr
 */
public record ProcessResult(String command, int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** This result when the command exited 0; otherwise an exception naming command and output. */
  public ProcessResult requireSuccess() {
    if (!succeeded()) {
      throw new IllegalStateException(
          "command failed with exit code "
              + exitCode
              + ": "
              + command
              + "\nstdout:\n"
              + stdout
              + "\nstderr:\n"
              + stderr);
    }
    return this;
  }
}
