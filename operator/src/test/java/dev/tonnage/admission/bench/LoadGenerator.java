package dev.tonnage.admission.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts AdmissionReviews over HTTPS keep-alive connections, closed loop (saturation: every
 * connection sends its next request when the answer arrives) or open loop (a fixed rate; latency
 * counts from when each request was due, so a stalled server cannot hide its queueing).
 */
final class LoadGenerator {

  private final SSLSocketFactory tls;
  private final String host;
  private final int port;

  LoadGenerator(SSLSocketFactory tls, String host, int port) {
    this.tls = tls;
    this.host = host;
    this.port = port;
  }

  /** What a run measured. */
  record Result(long requests, long errors, Duration elapsed, long[] latenciesNanos) {

    double throughput() {
      return requests / (elapsed.toNanos() / 1e9);
    }

    Duration percentile(double p) {
      if (latenciesNanos.length == 0) {
        return Duration.ZERO;
      }
      int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return Duration.ofNanos(
          latenciesNanos[Math.max(0, Math.min(index, latenciesNanos.length - 1))]);
    }
  }

  /** Closed loop: {@code connections} senders as fast as answers come back. */
  Result saturate(List<byte[]> requests, int connections, Duration duration) throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      KeepAliveConnection connection = new KeepAliveConnection(tls, host, port);
      int offset = i;
      workers.add(
          new Worker(
              "saturate-" + i,
              latencies -> {
                int n = offset;
                while (System.nanoTime() < end) {
                  long start = System.nanoTime();
                  int status = connection.exchange(requests.get(n++ % requests.size()));
                  latencies.record(System.nanoTime() - start, status == 200);
                }
                connection.close();
              }));
    }
    long started = System.nanoTime();
    workers.forEach(Worker::start);
    return collect(workers, started);
  }

  /** Open loop: {@code rate} requests per second for {@code duration} over a connection pool. */
  Result atRate(List<byte[]> requests, int rate, Duration duration, int connections)
      throws Exception {
    long total = rate * duration.toSeconds();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    BlockingQueue<long[]> due = new ArrayBlockingQueue<>((int) total + connections);
    AtomicInteger sequence = new AtomicInteger();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      KeepAliveConnection connection = new KeepAliveConnection(tls, host, port);
      workers.add(
          new Worker(
              "rate-" + i,
              latencies -> {
                while (true) {
                  long[] next = due.take();
                  if (next[0] < 0) {
                    break;
                  }
                  int status =
                      connection.exchange(
                          requests.get(sequence.getAndIncrement() % requests.size()));
                  latencies.record(System.nanoTime() - next[0], status == 200);
                }
                connection.close();
              }));
    }
    workers.forEach(Worker::start);
    long started = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long at = started + i * period;
      long wait = at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      due.put(new long[] {at});
    }
    for (int i = 0; i < connections; i++) {
      due.put(new long[] {-1});
    }
    return collect(workers, started);
  }

  private static Result collect(List<Worker> workers, long started) throws Exception {
    long requests = 0;
    long errors = 0;
    List<long[]> all = new ArrayList<>();
    for (Worker worker : workers) {
      worker.join();
      if (worker.failure != null) {
        throw new IllegalStateException("load worker failed", worker.failure);
      }
      requests += worker.latencies.count;
      errors += worker.latencies.errors;
      all.add(Arrays.copyOf(worker.latencies.values, worker.latencies.count));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(requests, errors, elapsed, merged);
  }

  /** Latencies of one worker, unsynchronized: only its thread writes them. */
  static final class Latencies {
    long[] values = new long[1 << 16];
    int count;
    long errors;

    void record(long nanos, boolean ok) {
      if (count == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[count++] = nanos;
      if (!ok) {
        errors++;
      }
    }
  }

  @FunctionalInterface
  interface Body {
    void run(Latencies latencies) throws IOException, InterruptedException;
  }

  private static final class Worker extends Thread {
    final Latencies latencies = new Latencies();
    final Body body;
    volatile Throwable failure;

    Worker(String name, Body body) {
      super(name);
      this.body = body;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        body.run(latencies);
      } catch (Throwable e) {
        failure = e;
      }
    }
  }
}
