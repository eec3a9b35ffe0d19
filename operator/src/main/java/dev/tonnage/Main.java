package dev.tonnage;

import dev.tonnage.cli.TonnageCommand;

/** Entry point of the one deployable jar: operator, webhook and CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(TonnageCommand.forArguments(args).execute(args));
  }
}
