package dev.tonnage;

import dev.tonnage.cli.TonnageCommand;
import dev.tonnage.logging.LogbackProvider;

/** Entry point of the one deployable jar: operator, webhook and CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line {@code args} as {@code tonnage} does, and returns its exit code. */
  public static int run(String[] args) {
    LogbackProvider.install();
    return TonnageCommand.forArguments(args).execute(args);
  }
}
