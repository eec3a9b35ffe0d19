package dev.tonnage.testing.prometheus;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import java.nio.file.Path;

/**
 * The real {@code promtool}: {@code check rules}, {@code test rules}, {@code check metrics} (reads
 * the exposition text from stdin).
 */
public final class Promtool {

  private final Path executable;

  public Promtool(Binaries binaries) {
    this.executable = binaries.require("promtool");
  }

  /** promtool found via {@link Binaries#fromEnvironment()}. */
  public static Promtool locate() {
    return new Promtool(Binaries.fromEnvironment());
  }

  public ProcessResult run(String... args) {
    return Command.of(executable, args).run();
  }

  /** e.g. {@code runWithInput(metricsText, "check", "metrics")}. */
  public ProcessResult runWithInput(String stdin, String... args) {
    return Command.of(executable, args).withInput(stdin).run();
  }
}
