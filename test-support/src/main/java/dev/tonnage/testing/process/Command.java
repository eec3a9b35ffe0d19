package dev.tonnage.testing.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot command (kubectl, skopeo, umoci, promtool ...) run to completion with its output
 * captured. Immutable: the {@code with*} methods return changed copies.
 *
 * @param argv executable and arguments
 * @param environment variables added to this JVM's environment
 * @param workingDirectory working directory, or null for the JVM's
 * @param input text written to stdin, or null for none
 * @param timeout how long the command may run before it is killed
 */
public record Command(
    List<String> argv,
    Map<String, String> environment,
    Path workingDirectory,
    String input,
    Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public Command {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
  }

  public static Command of(Path executable, String... args) {
    return of(executable, List.of(args));
  }

  public static Command of(Path executable, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(executable.toString());
    argv.addAll(args);
    return new Command(argv, Map.of(), null, null, DEFAULT_TIMEOUT);
  }

  public Command withEnvironment(String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(name, value);
    return new Command(argv, env, workingDirectory, input, timeout);
  }

  public Command withWorkingDirectory(Path directory) {
    return new Command(argv, environment, directory, input, timeout);
  }

  public Command withInput(String stdin) {
    return new Command(argv, environment, workingDirectory, stdin, timeout);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, environment, workingDirectory, input, limit);
  }

  /** Runs the command to completion; a timeout kills it and throws. */
  public ProcessResult run() {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().putAll(environment);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    if (input == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + commandLine(), e);
    }
    try {
      CompletableFuture<String> stdout = readAsync(process.getInputStream());
      CompletableFuture<String> stderr = readAsync(process.getErrorStream());
      if (input != null) {
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(
            "command did not finish within " + timeout + " and was killed: " + commandLine());
      }
      return new ProcessResult(commandLine(), process.exitValue(), stdout.get(), stderr.get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot talk to " + commandLine(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + commandLine(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the output of " + commandLine(), e.getCause());
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /** The command line as one string, for messages. */
  public String commandLine() {
    return String.join(" ", argv);
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        // A thread per stream: the common pool has one worker on 2 cores and would deadlock.
        task -> {
          Thread thread = new Thread(task, "command-output");
          thread.setDaemon(true);
          thread.start();
        });
  }
}
