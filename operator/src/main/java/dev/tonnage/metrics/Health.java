package dev.tonnage.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness and readiness of the process, as {@code /healthz} and {@code /readyz} report them.
 * Components register their {@link ReadinessCheck}s; readiness fails with {@value #STARTING} from
 * construction until the wiring calls {@link #started()} (so it is never vacuously true while the
 * checks are still being registered), and shutdown flips both to failing first ({@value
 * #SHUTTING_DOWN}), so traffic drains before the servers stop.
 */
public final class Health {
  private static final Logger LOG = LoggerFactory.getLogger(Health.class);

  /** The readiness failure shown until {@link #started()}. */
  public static final String STARTING = "starting";

  /** The readiness and liveness failure shown after {@link #beginShutdown()}. */
  public static final String SHUTTING_DOWN = "shutting-down";

  private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
  private final Supplier<List<String>> deadlockedThreads;
  private volatile boolean shuttingDown;
  private volatile boolean started;

  /** Liveness also fails when the JVM finds deadlocked threads. */
  public Health() {
    this(Health::findDeadlockedThreads);
  }

  Health(Supplier<List<String>> deadlockedThreads) {
    this.deadlockedThreads = deadlockedThreads;
  }

  public void addReadinessCheck(ReadinessCheck check) {
    checks.add(Objects.requireNonNull(check, "check"));
  }

  /** Every component is started and has registered its checks: readiness is up to them now. */
  public void started() {
    started = true;
  }

  /** From now on the process is neither ready nor live: it is going away. Cannot be undone. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  public boolean shuttingDown() {
    return shuttingDown;
  }

  /** Live unless shutting down or deadlocked. */
  public Status liveness() {
    if (shuttingDown) {
      return new Status(List.of(SHUTTING_DOWN));
    }
    List<String> deadlocked = deadlockedThreads.get();
    if (!deadlocked.isEmpty()) {
      return new Status(List.of("deadlocked-threads: " + String.join(", ", deadlocked)));
    }
    return Status.OK;
  }

  /** Ready when started, not shutting down, and every registered check passes. */
  public Status readiness() {
    List<String> failing = new ArrayList<>();
    if (shuttingDown) {
      failing.add(SHUTTING_DOWN);
    } else if (!started) {
      failing.add(STARTING);
    }
    for (ReadinessCheck check : checks) {
      try {
        if (!check.ready()) {
          failing.add(check.name());
        }
      } catch (RuntimeException e) {
        LOG.debug("readiness check {} threw", check.name(), e);
        failing.add(check.name() + " (check threw " + e.getClass().getSimpleName() + ")");
      }
    }
    return failing.isEmpty() ? Status.OK : new Status(failing);
  }

  private static List<String> findDeadlockedThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] ids = threads.findDeadlockedThreads();
    if (ids == null) {
      return List.of();
    }
    return Arrays.stream(threads.getThreadInfo(ids))
        .filter(Objects::nonNull)
        .map(ThreadInfo::getThreadName)
        .toList();
  }

  /**
   * The answer of one probe.
   *
   * @param failing what fails, one entry per check; empty when healthy
   */
  public record Status(List<String> failing) {
    static final Status OK = new Status(List.of());

    public Status {
      failing = List.copyOf(failing);
    }

    public boolean ok() {
      return failing.isEmpty();
    }

    /** The plain-text body of the probe answer. */
    public String body() {
      if (ok()) {
        return "ok\n";
      }
      StringBuilder text = new StringBuilder("failing checks:\n");
      failing.forEach(name -> text.append("[-] ").append(name).append('\n'));
      return text.toString();
    }
  }
}
