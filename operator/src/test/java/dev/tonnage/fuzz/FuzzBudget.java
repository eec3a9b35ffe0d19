package dev.tonnage.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The time one fuzz input may cost. Measured as CPU time of the fuzzing thread, so a loaded machine
 * (other builds, the garbage collector's own threads) cannot fail a fuzz run, while a super-linear
 * parser still does: every parser here answers a capped input in microseconds.
 */
public final class FuzzBudget {

  /** The CPU time one input may take. */
  public static final Duration PER_INPUT = Duration.ofMillis(200);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private FuzzBudget() {}

  /** The calling thread's CPU time so far, in nanoseconds. */
  public static long start() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Fails when the input took more than {@link #PER_INPUT} since {@code start}. */
  public static void check(long start, byte[] input) {
    long took = THREADS.getCurrentThreadCpuTime() - start;
    if (took > PER_INPUT.toNanos()) {
      throw new AssertionError(
          "one input took "
              + Duration.ofNanos(took).toMillis()
              + " ms of CPU, over the budget of "
              + PER_INPUT.toMillis()
              + " ms; input ("
              + input.length
              + " bytes) starts "
              + shown(input));
    }
  }

  /** The first bytes of {@code input}, for a failure message. */
  private static String shown(byte[] input) {
    String text = new String(input, 0, Math.min(input.length, 120), StandardCharsets.UTF_8);
    return '"' + text.replace("\n", "\\n") + '"';
  }
}
