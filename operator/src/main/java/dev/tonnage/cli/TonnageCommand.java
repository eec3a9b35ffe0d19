package dev.tonnage.cli;

import dev.tonnage.operator.OperatorCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tonnage}: the one command line of the jar. Add a subcommand by adding its class to {@code
 * subcommands}. Exit codes: 0 success, 1 policy violation ({@code check}), 2 any error, usage
 * errors included, reported in one line without a stack trace.
 */
@Command(
    name = "tonnage",
    mixinStandardHelpOptions = true,
    versionProvider = TonnageCommand.Version.class,
    description = "Keeps container images within declared size and base-image limits.")
public final class TonnageCommand {

  /** Every subcommand, in the order {@code --help} lists them. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          InspectCommand.class,
          CheckCommand.class,
          DiffCommand.class,
          OperatorCommand.class,
          CommandLine.HelpCommand.class);

  /** The subcommands a CI job runs many times: a run of one is built with that one alone. */
  private static final List<Class<?>> SHORT_RUNS =
      List.of(InspectCommand.class, CheckCommand.class, DiffCommand.class);

  /** Exit code of any error: unreadable input, unreachable registry, bad usage. */
  public static final int EXIT_ERROR = 2;

  private final Map<String, String> environment;
  private final Path home;

  /**
   * @param environment the process environment (DOCKER_CONFIG, REGISTRY_AUTH_FILE ...)
   * @param home the user's home directory, for ~/.docker/config.json
   */
  public TonnageCommand(Map<String, String> environment, Path home) {
    this.environment = Map.copyOf(environment);
    this.home = home;
  }

  Map<String, String> environment() {
    return environment;
  }

  Path home() {
    return home;
  }

  /** The configured command line for this process: real environment, System.out and err. */
  public static CommandLine commandLine() {
    return forArguments(new String[0]);
  }

  /**
   * The command line for {@code args}: when they start with {@code inspect}, {@code check} or
   * {@code diff}, only that subcommand is built. picocli builds the model of every subcommand it is
   * given up front, and the others took about 0.1 s of a one-image run that never reads them.
   * Anything else (help, the operator) gets every one.
   */
  public static CommandLine forArguments(String[] args) {
    List<Class<?>> subcommands = SUBCOMMANDS;
    for (Class<?> command : SHORT_RUNS) {
      if (args.length > 0 && command.getAnnotation(Command.class).name().equals(args[0])) {
        subcommands = List.of(command);
      }
    }
    return commandLine(System.getenv(), Path.of(System.getProperty("user.home")), subcommands);
  }

  public static CommandLine commandLine(Map<String, String> environment, Path home) {
    return commandLine(environment, home, SUBCOMMANDS);
  }

  private static CommandLine commandLine(
      Map<String, String> environment, Path home, List<Class<?>> subcommands) {
    CommandLine commandLine = new CommandLine(new TonnageCommand(environment, home));
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExitCodeExceptionMapper(e -> EXIT_ERROR);
    commandLine.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("tonnage: " + e.getMessage());
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_ERROR;
        });
    commandLine.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("tonnage: " + oneLine(e));
          return EXIT_ERROR;
        });
    return commandLine;
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TonnageCommand.class.getPackage().getImplementationVersion();
      return new String[] {"tonnage " + Objects.requireNonNullElse(version, "development build")};
    }
  }
}
