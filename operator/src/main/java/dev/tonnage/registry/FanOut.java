package dev.tonnage.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the steps of one image (its index entries, its layer reads) at most {@code parallelism} at
 * once. The calling thread works through the steps itself and borrows idle helper threads for the
 * rest; a helper that cannot start at once (pool busy, or queued behind other work) is not waited
 * for: whoever runs first takes the next step. So no thread ever waits for a task that has not
 * started — no deadlock on a fixed pool however small, even when the helpers come from the pool the
 * caller runs on — and a busy pool only makes one image's work sequential, never stalls it.
 */
final class FanOut {

  /** One step; failures end the whole run (steps not yet started are skipped). */
  interface Step<T, R> {
    R apply(T item) throws RegistryException;
  }

  private final Executor helpers;
  private final int parallelism;

  /**
   * @param helpers where helper threads come from; may reject (then the caller does more itself)
   * @param parallelism steps at once, the caller included
   */
  FanOut(Executor helpers, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.helpers = helpers;
    this.parallelism = parallelism;
  }

  /** The results of {@code step} for each item, in order; throws the first failure. */
  <T, R> List<R> map(List<T> items, Step<T, R> step) throws RegistryException {
    int n = items.size();
    List<R> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(null);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // Counts steps, not helpers: a helper that never got to run holds nobody up.
    CountDownLatch stepsDone = new CountDownLatch(n);
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            try {
              if (failure.get() == null) {
                R result = step.apply(items.get(i));
                synchronized (results) {
                  results.set(i, result);
                }
              }
            } catch (RegistryException | RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            } finally {
              stepsDone.countDown();
            }
          }
        };
    for (int helper = 1; helper < Math.min(parallelism, n); helper++) {
      try {
        helpers.execute(worker);
      } catch (RejectedExecutionException busy) {
        break;
      }
    }
    worker.run();
    try {
      stepsDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: the registry client is closing", e);
    }
    Throwable failed = failure.get();
    if (failed instanceof RegistryException registryException) {
      throw registryException;
    }
    if (failed instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failed instanceof Error error) {
      throw error;
    }
    synchronized (results) {
      return Collections.unmodifiableList(new ArrayList<>(results));
    }
  }
}
