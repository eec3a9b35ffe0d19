package dev.tonnage.admission;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds request bodies across all requests in flight: how many are being received at once, and how
 * many bytes are buffered (held from the first byte until the answer is written, so the parse of a
 * body is covered too). Nothing blocks: over a limit, the request is refused.
 */
final class BodyBudget {

  private final Semaphore reads;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();

  BodyBudget(int maxConcurrentReads, long maxBytes) {
    this.reads = new Semaphore(maxConcurrentReads);
    this.maxBytes = maxBytes;
  }

  /** A lease for one body, or empty when too many bodies are being received. */
  Optional<Lease> open() {
    return reads.tryAcquire() ? Optional.of(new Lease()) : Optional.empty();
  }

  /** Bytes buffered now, for tests and diagnostics. */
  long buffered() {
    return bytes.get();
  }

  /** One body's share: a read slot until the body is read, its bytes until it is closed. */
  final class Lease implements AutoCloseable {
    private long held;
    private boolean reading = true;
    private boolean closed;

    /** Takes {@code more} bytes from the budget; false (taking nothing) when it would overflow. */
    synchronized boolean grow(long more) {
      if (closed) {
        return false;
      }
      long now = bytes.addAndGet(more);
      if (now > maxBytes) {
        bytes.addAndGet(-more);
        return false;
      }
      held += more;
      return true;
    }

    /** The body is read: frees its read slot, keeps its bytes. */
    synchronized void readDone() {
      if (reading) {
        reading = false;
        reads.release();
      }
    }

    @Override
    public synchronized void close() {
      readDone();
      closed = true;
      bytes.addAndGet(-held);
      held = 0;
    }
  }
}
