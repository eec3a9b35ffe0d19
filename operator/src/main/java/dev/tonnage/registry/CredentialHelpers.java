package dev.tonnage.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.File;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docker credential helpers on a search path, run on demand and remembered: an answer (a
 * credential or none) for {@link #ANSWER_TTL}, a failure for {@link #FAILURE_TTL}, at most {@link
 * #MAX_CACHED} answers. At most {@link #MAX_CONCURRENT_RUNS} helper processes run at once; each is
 * killed after its timeout. Concurrent lookups of one registry run the helper once.
 */
public final class CredentialHelpers {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialHelpers.class);

  /** Default of the helper timeout: a helper that talks to a cloud API answers well within it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Shorter than any helper credential's lifetime (ECR: 12 h, gcloud: 1 h). */
  static final Duration ANSWER_TTL = Duration.ofMinutes(5);

  /** A failing helper is asked again after this long, not on every request. */
  static final Duration FAILURE_TTL = Duration.ofSeconds(30);

  /** Answers kept: one per registry and helper. */
  static final int MAX_CACHED = 256;

  /** Helper processes running at once. */
  static final int MAX_CONCURRENT_RUNS = 4;

  private record Key(String helper, String serverUrl) {}

  private record Answer(Optional<Credential> credential, boolean failed) {}

  private final List<Path> path;
  private final Duration timeout;
  private final Semaphore runs = new Semaphore(MAX_CONCURRENT_RUNS);
  private final Cache<Key, Answer> answers =
      Caffeine.newBuilder()
          .maximumSize(MAX_CACHED)
          .expireAfter(
              new Expiry<Key, Answer>() {
                @Override
                public long expireAfterCreate(Key key, Answer answer, long now) {
                  return (answer.failed() ? FAILURE_TTL : ANSWER_TTL).toNanos();
                }

                @Override
                public long expireAfterUpdate(Key key, Answer answer, long now, long current) {
                  return expireAfterCreate(key, answer, now);
                }

                @Override
                public long expireAfterRead(Key key, Answer answer, long now, long current) {
                  return current;
                }
              })
          .build();

  CredentialHelpers(List<Path> path, Duration timeout) {
    this.path = List.copyOf(path);
    this.timeout = timeout;
  }

  /** The helpers on a {@code PATH}-style list of directories (null or empty: none). */
  public static CredentialHelpers onPath(String pathVariable) {
    return onPath(pathVariable, DEFAULT_TIMEOUT);
  }

  static CredentialHelpers onPath(String pathVariable, Duration timeout) {
    List<Path> directories = new ArrayList<>();
    if (pathVariable != null) {
      for (String entry : pathVariable.split(File.pathSeparator)) {
        try {
          if (!entry.isBlank()) {
            directories.add(Path.of(entry));
          }
        } catch (InvalidPathException e) {
          // Not a directory anything could be found in.
        }
      }
    }
    return new CredentialHelpers(directories, timeout);
  }

  /** Whether {@code docker-credential-NAME} is an executable on the path. */
  public boolean isInstalled(String helper) {
    return CredentialHelper.find(helper, path).isPresent();
  }

  /**
   * The credential {@code helper} has for {@code serverUrl}; empty when it has none or fails (a
   * failure is logged, without the credential, once per {@link #FAILURE_TTL}).
   */
  Optional<Credential> credential(String helper, String serverUrl) {
    return answers.get(new Key(helper, serverUrl), this::ask).credential();
  }

  private Answer ask(Key key) {
    Optional<CredentialHelper> program = CredentialHelper.find(key.helper(), path);
    if (program.isEmpty()) {
      LOG.warn(
          "credential helper {}{} for {} is not on PATH; using the docker config's other"
              + " credentials",
          CredentialHelper.PROGRAM_PREFIX,
          key.helper(),
          key.serverUrl());
      return new Answer(Optional.empty(), true);
    }
    try {
      if (!runs.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} was not run for {}: too many helpers running", program.get(), key.serverUrl());
        return new Answer(Optional.empty(), true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(Optional.empty(), true);
    }
    try {
      return new Answer(program.get().get(key.serverUrl(), timeout), false);
    } catch (IOException e) {
      LOG.warn("credential helper failed for {}: {}", key.serverUrl(), e.getMessage());
      return new Answer(Optional.empty(), true);
    } finally {
      runs.release();
    }
  }
}
