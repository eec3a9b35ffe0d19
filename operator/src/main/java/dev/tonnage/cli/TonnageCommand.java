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
    addMethodSubcommands = false,
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

  /**
   * The subcommands a CI job runs many times, by name: a run of one is built with that one alone.
   * Names, not {@code @Command} annotations read at run time: reading them cost about 0.03 s.
   */
  private static final Map<String, Class<?>> SHORT_RUNS =
      Map.of(
          "inspect", InspectCommand.class, "check", CheckCommand.class, "diff", DiffCommand.class);

  /** picocli's list of regular expressions of types whose built-in converter it leaves out. */
  private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

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
    Class<?> shortRun = args.length > 0 ? SHORT_RUNS.get(args[0]) : null;
    if (shortRun != null) {
      WarmStart.begin();
      subcommands = List.of(shortRun);
    }
    return commandLine(System.getenv(), Path.of(System.getProperty("user.home")), subcommands);
  }

  public static CommandLine commandLine(Map<String, String> environment, Path home) {
    return commandLine(environment, home, SUBCOMMANDS);
  }

  private static CommandLine commandLine(
      Map<String, String> environment, Path home, List<Class<?>> subcommands) {
    // picocli looks up Groovy's Closure class when it first builds a command, to support closures
    // in annotations; Tonnage has none, and the failed lookup reads every jar of the class path
    // (about 0.09 s of each run).
    System.setProperty("picocli.disable.closures", "true");
    // picocli registers its java.sql and java.time converters by reflection, initializing each
    // class (MonthDay builds a date formatter, Period compiles a pattern): about 6 ms of each run.
    // Tonnage's options use none of those types but Duration. (Each @Command also says
    // addMethodSubcommands = false: the scan of every method for @Command took about 8 ms.)
    if (System.getProperty(CONVERTER_EXCLUDES) == null) {
      System.setProperty(CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\.(?!Duration$).*");
    }
    CommandLine commandLine = new CommandLine(new TonnageCommand(environment, home));
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    ErrorHandlers errors = new ErrorHandlers();
    commandLine.setExitCodeExceptionMapper(errors);
    commandLine.setParameterExceptionHandler(errors);
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setExecutionStrategy(new AfterWarmStart());
    return commandLine;
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  /**
   * Runs the command once the warm start, if one was begun, is done (see {@link WarmStart}); help
   * and version requests need none of it and are answered at once.
   */
  private static final class AfterWarmStart implements CommandLine.IExecutionStrategy {
    @Override
    public int execute(CommandLine.ParseResult parseResult) {
      Integer helpExitCode = CommandLine.executeHelpRequest(parseResult);
      if (helpExitCode != null) {
        return helpExitCode;
      }
      WarmStart.await();
      return new CommandLine.RunLast().execute(parseResult);
    }
  }

  /**
   * Usage errors and failures of a run: one line on stderr, exit code {@link #EXIT_ERROR}. A class,
   * not lambdas: picocli's interfaces are Java 5 class files, which the AppCDS archive leaves out
   * once a lambda made the JVM link them while the archive was dumped.
   */
  private static final class ErrorHandlers
      implements CommandLine.IExitCodeExceptionMapper,
          CommandLine.IParameterExceptionHandler,
          CommandLine.IExecutionExceptionHandler {
    @Override
    public int getExitCode(Throwable exception) {
      return EXIT_ERROR;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("tonnage: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return EXIT_ERROR;
    }

    @Override
    public int handleExecutionException(
        Exception e, CommandLine line, CommandLine.ParseResult parsed) {
      line.getErr().println("tonnage: " + oneLine(e));
      return EXIT_ERROR;
    }
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
