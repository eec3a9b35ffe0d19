package dev.tonnage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One docker credential helper program, {@code docker-credential-NAME}, spoken to as the
 * docker-credential-helpers protocol says: {@code get} with the server URL on stdin, {@code
 * {"ServerURL":..,"Username":..,"Secret":..}} on stdout. Each run is killed (with its children) at
 * its timeout and its output is read up to {@link #MAX_OUTPUT_BYTES}; stderr is discarded.
 */
final class CredentialHelper {

  static final String PROGRAM_PREFIX = "docker-credential-";

  /** Longest helper name read from a docker config ({@code ecr-login}, {@code gcloud} ...). */
  static final int MAX_NAME_LENGTH = 64;

  /** A credential is well under 16 KiB; more is not a helper's answer. */
  static final int MAX_OUTPUT_BYTES = 64 * 1024;

  /** What every helper built on docker-credential-helpers prints when it has nothing. */
  static final String NOT_FOUND = "credentials not found in native keychain";

  /** The user name that marks {@code Secret} as an identity (refresh) token. */
  static final String IDENTITY_TOKEN_USER = "<token>";

  /** Characters of a failed helper's message quoted in errors. */
  private static final int MAX_QUOTED = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Path program;

  private CredentialHelper(String name, Path program) {
    this.name = name;
    this.program = program;
  }

  /** Whether {@code name} may name a helper: letters, digits, '.', '_' and '-', no path. */
  static boolean isValidName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** The executable {@code docker-credential-NAME} in the first directory of {@code path}. */
  static Optional<CredentialHelper> find(String name, List<Path> path) {
    if (!isValidName(name)) {
      return Optional.empty();
    }
    for (Path directory : path) {
      Path program = directory.resolve(PROGRAM_PREFIX + name);
      if (Files.isRegularFile(program) && Files.isExecutable(program)) {
        return Optional.of(new CredentialHelper(name, program.toAbsolutePath()));
      }
    }
    return Optional.empty();
  }

  String programName() {
    return PROGRAM_PREFIX + name;
  }

  /**
   * The helper's credential for {@code serverUrl}; empty when it has none.
   *
   * @throws IOException when the helper cannot be run, fails, times out or answers garbage; the
   *     message never quotes a credential
   */
  Optional<Credential> get(String serverUrl, Duration timeout) throws IOException {
    Process process =
        new ProcessBuilder(program.toString(), "get")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    AtomicBoolean timedOut = new AtomicBoolean();
    process
        .onExit()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (exited, failure) -> {
              if (failure != null) {
                timedOut.set(true);
                kill(process);
              }
            });
    byte[] output;
    try {
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // A helper may exit without reading stdin; its answer says what happened.
      }
      try (InputStream stdout = process.getInputStream()) {
        output = stdout.readNBytes(MAX_OUTPUT_BYTES + 1);
      }
      if (output.length > MAX_OUTPUT_BYTES) {
        throw new IOException(
            programName() + " wrote more than " + MAX_OUTPUT_BYTES + " bytes; it was stopped");
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut.set(true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(programName() + " was interrupted", e);
    } finally {
      kill(process);
    }
    if (timedOut.get()) {
      throw new IOException(
          programName()
              + " get did not answer within "
              + timeout.toMillis()
              + " ms; it was killed");
    }
    String text = new String(output, StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0) {
      if (text.contains(NOT_FOUND)) {
        return Optional.empty();
      }
      // A failing helper prints its error, not a credential, on stdout.
      throw new IOException(
          programName() + " get failed with exit code " + process.exitValue() + quote(text));
    }
    return parse(text);
  }

  private Optional<Credential> parse(String text) throws IOException {
    JsonNode answer;
    try {
      answer = JSON.readTree(text);
    } catch (IOException e) {
      // Never quote the output: it may be a credential in another shape.
      throw new IOException(programName() + " get did not answer with JSON", null);
    }
    if (answer == null || !answer.isObject()) {
      throw new IOException(programName() + " get did not answer with a JSON object");
    }
    String username = answer.path("Username").asText("");
    String secret = answer.path("Secret").asText("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    if (IDENTITY_TOKEN_USER.equals(username)) {
      return Optional.of(Credential.identityToken(username, secret));
    }
    return Optional.of(Credential.basic(username, secret));
  }

  private static String quote(String text) {
    String line = text.lines().findFirst().orElse("");
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < line.length() && shown.length() < MAX_QUOTED; i++) {
      char c = line.charAt(i);
      shown.append(c >= ' ' && c != 127 ? c : '?');
    }
    return shown.length() == 0 ? "" : ": " + shown;
  }

  private static void kill(Process process) {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return programName();
  }
}
