package dev.tonnage.testing.process;

import dev.tonnage.testing.ComponentLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running component process: stdout and stderr go to a log file, {@link #awaitReady} polls
 * until it serves, and {@link #close} kills it with all its descendants (also at JVM exit, should a
 * test forget to close it).
 */
public final class ManagedProcess implements ComponentLogs, AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(15);

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Duration stopGracePeriod;
  private final Thread shutdownHook;
  private volatile String logsAtClose;

  private ManagedProcess(
      String name, Process process, Path logFile, Duration stopGracePeriod, Thread shutdownHook) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.stopGracePeriod = stopGracePeriod;
    this.shutdownHook = shutdownHook;
  }

  public static Builder builder(String name, Path executable) {
    return new Builder(name, executable);
  }

  @Override
  public String componentName() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  @Override
  public String logs() {
    String closed = logsAtClose;
    if (closed != null && !Files.exists(logFile)) {
      return closed;
    }
    try {
      // Decoded leniently: a component may log bytes that are not UTF-8.
      return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return closed != null ? closed : "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /**
   * Polls {@code probe} until it answers true. Fails fast, with the log, when the process exits,
   * and with the last probe error and the log when {@code timeout} passes.
   */
  public void awaitReady(Duration timeout, ReadinessProbe probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastError = null;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before it was ready; its log:\n"
                + logs());
      }
      try {
        if (probe.isReady()) {
          return;
        }
        lastError = null;
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name
                + " was not ready within "
                + timeout
                + (lastError == null ? "" : "; last probe error: " + lastError)
                + "; its log:\n"
                + logs(),
            lastError);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** Kills the process and its descendants: SIGTERM, then SIGKILL after the grace period. */
  @Override
  public void close() {
    destroyTree();
    logsAtClose = logs();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs or ran; nothing to undo
    }
  }

  private void destroyTree() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + stopGracePeriod.toNanos();
    if (!awaitExit(tree, deadline)) {
      tree.forEach(ProcessHandle::destroyForcibly);
      awaitExit(tree, System.nanoTime() + Duration.ofSeconds(10).toNanos());
    }
    try {
      // Our own child is dead once the JVM has reaped it: only then is isAlive() false.
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until every process of {@code tree} has exited; false when the deadline passed. Polls:
   * {@code onExit()} of a process that is not our child backs off to seconds.
   */
  private static boolean awaitExit(List<ProcessHandle> tree, long deadlineNanos) {
    while (tree.stream().anyMatch(ManagedProcess::isRunning)) {
      if (System.nanoTime() > deadlineNanos) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code handle} still runs. A killed orphan stays a zombie until PID 1 reaps it, which
   * can take seconds in containers; {@link ProcessHandle#isAlive()} counts zombies as alive.
   */
  static boolean isRunning(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return handle.isAlive(); // no procfs, or the process is gone
    }
  }

  /** Configures and starts a {@link ManagedProcess}. */
  public static final class Builder {
    private final String name;
    private final List<String> command = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path workingDirectory;
    private Path logFile;
    private Duration stopGracePeriod = Duration.ofSeconds(3);

    private Builder(String name, Path executable) {
      this.name = name;
      command.add(executable.toString());
    }

    public Builder args(String... args) {
      command.addAll(List.of(args));
      return this;
    }

    public Builder args(List<String> args) {
      command.addAll(args);
      return this;
    }

    public Builder environment(String variable, String value) {
      environment.put(variable, value);
      return this;
    }

    public Builder workingDirectory(Path directory) {
      this.workingDirectory = directory;
      return this;
    }

    /** Where stdout and stderr go; appended to, so restarts keep earlier runs' lines. */
    public Builder logFile(Path file) {
      this.logFile = file;
      return this;
    }

    /** How long SIGTERM may take before SIGKILL. */
    public Builder stopGracePeriod(Duration period) {
      this.stopGracePeriod = period;
      return this;
    }

    public ManagedProcess start() {
      if (logFile == null) {
        throw new IllegalStateException("no log file set for " + name);
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      if (workingDirectory != null) {
        builder.directory(workingDirectory.toFile());
      }
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      try {
        Files.createDirectories(logFile.getParent());
        Files.writeString(
            logFile,
            "### " + String.join(" ", command) + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        Process process = builder.start();
        Thread hook = new Thread(() -> killAtExit(process), "kill-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        return new ManagedProcess(name, process, logFile, stopGracePeriod, hook);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + command, e);
      }
    }

    private static void killAtExit(Process process) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
