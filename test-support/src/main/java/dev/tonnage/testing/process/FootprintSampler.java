package dev.tonnage.testing.process;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples a process's {@link ProcessFootprint} on a background thread until closed and keeps the
 * peak, so a burst between two test steps is seen, not only the state at the end.
 */
public final class FootprintSampler implements AutoCloseable {

  /** Often enough to see a thread burst of a second; cheap (one small /proc read). */
  private static final Duration INTERVAL = Duration.ofMillis(50);

  private final long pid;
  private final AtomicReference<ProcessFootprint> peak;
  private final Thread thread;
  private volatile boolean running = true;

  private FootprintSampler(long pid) {
    this.pid = pid;
    this.peak = new AtomicReference<>(ProcessFootprint.of(pid));
    this.thread = new Thread(this::run, "footprint-sampler-" + pid);
    thread.setDaemon(true);
  }

  /** Starts sampling {@code pid}. */
  public static FootprintSampler start(long pid) {
    FootprintSampler sampler = new FootprintSampler(pid);
    sampler.thread.start();
    return sampler;
  }

  /** The peak so far, including one sample taken now. */
  public ProcessFootprint peak() {
    sample();
    return peak.get();
  }

  /** Stops sampling. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }

  private void run() {
    while (running) {
      sample();
      try {
        Thread.sleep(INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    try {
      ProcessFootprint now = ProcessFootprint.of(pid);
      peak.accumulateAndGet(now, ProcessFootprint::max);
    } catch (RuntimeException exited) {
      // the process is gone; the peak stays what it was
    }
  }
}
