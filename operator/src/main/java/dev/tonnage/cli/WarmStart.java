package dev.tonnage.cli;

import dev.tonnage.registry.ClientWarmUp;
import dev.tonnage.registry.RegistryException;
import java.util.EnumSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * The set-up every short CLI run needs whatever it is asked, begun on a second thread while the
 * main thread builds and parses the command line (picocli's model, about 0.1 s). Its steps are
 * independent of each other: the JVM's search for a System.Logger backend (Caffeine logs through
 * System.Logger), a service lookup that opens every jar of the class path (about 0.03 s in the one
 * jar {@code ./tonnage} runs, 0.1 s over the 124 jars of the container image); the registry
 * client's JSON parser and HTTP client ({@link ClientWarmUp}); logback. Measured in
 * docs/benchmarks.md#cli.
 *
 * <p>The command runs only once they are all done ({@link #await}, in the command line's execution
 * strategy); the main thread takes the steps the second thread has not begun yet, then waits for
 * the one it is in. Until then the main thread only builds and parses the command line, which
 * touches no logger, no JSON parser and no registry class.
 */
final class WarmStart {
  private static final Queue<Step> steps = new ConcurrentLinkedQueue<>();
  private static Thread thread;

  /**
   * The steps, longest first: the second thread takes the first, the main thread joins in later. An
   * enum rather than lambdas, which would be linked (method handles spun) on every start.
   */
  private enum Step {
    /** The JVM's System.Logger backend: a service lookup over every jar. */
    LOGGER_BACKEND {
      @Override
      void run() {
        System.getLogger(WarmStart.class.getName());
      }
    },
    PARSER {
      @Override
      void run() throws RegistryException {
        ClientWarmUp.parser();
      }
    },
    LOGGING {
      @Override
      void run() {
        LoggerFactory.getILoggerFactory();
      }
    },
    CLIENT {
      @Override
      void run() {
        ClientWarmUp.client();
      }
    };

    abstract void run() throws RegistryException;
  }

  /** The second thread's work (a class, not a lambda, as {@link Step} says). */
  private static final class Runner implements Runnable {
    @Override
    public void run() {
      runSteps();
    }
  }

  private WarmStart() {}

  /** Begins the warm-up once per process. */
  static synchronized void begin() {
    if (thread == null) {
      steps.addAll(EnumSet.allOf(Step.class));
      thread = new Thread(new Runner(), "tonnage-warm-start");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** The thread {@link #begin} started, null before; for the bound's test. */
  static synchronized Thread thread() {
    return thread;
  }

  /** Returns once every step is done (taking some itself); at once when none was begun. */
  static void await() {
    Thread started;
    synchronized (WarmStart.class) {
      started = thread;
    }
    if (started == null) {
      return;
    }
    runSteps();
    try {
      started.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void runSteps() {
    for (Step step = steps.poll(); step != null; step = steps.poll()) {
      try {
        step.run();
      } catch (RegistryException | RuntimeException | LinkageError e) {
        // Only a head start: the run meets the same code and reports what is wrong there.
      }
    }
  }
}
