package dev.tonnage.admission;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Receives one request body as its bytes arrive, holding no thread while it waits (Jetty's demand
 * callback). The buffer grows with what arrived (a declared Content-Length allocates nothing),
 * every growth is taken from the {@link BodyBudget}, and a body that is too large, too slow or not
 * complete within the read timeout is refused.
 */
final class BodyReader implements Runnable {

  /** 16 KiB: a typical Pod review fits; bigger bodies double from here. */
  private static final int INITIAL_CAPACITY = 16 * 1024;

  /** How a read ended. */
  sealed interface Outcome permits Body, Refused {}

  /** The body: the first {@code length} bytes of {@code bytes}. */
  record Body(byte[] bytes, int length) implements Outcome {}

  /** A refusal: the HTTP status and a one-line reason. */
  record Refused(int status, String message) implements Outcome {}

  private final Request request;
  private final BodyBudget.Lease lease;
  private final WebhookLimits limits;
  private final long declared;
  private final long started = System.nanoTime();
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private byte[] buffer = new byte[0];
  private int length;

  private BodyReader(Request request, BodyBudget.Lease lease, WebhookLimits limits) {
    this.request = request;
    this.lease = lease;
    this.limits = limits;
    this.declared = request.getLength();
  }

  /** Starts reading; the future never completes exceptionally. */
  static CompletableFuture<Outcome> read(
      Request request, BodyBudget.Lease lease, WebhookLimits limits) {
    BodyReader reader = new BodyReader(request, lease, limits);
    Scheduler scheduler = request.getComponents().getScheduler();
    Scheduler.Task timeout =
        scheduler.schedule(
            reader::timedOut, limits.bodyReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
    reader.outcome.whenComplete((done, error) -> timeout.cancel());
    reader.run();
    return reader.outcome;
  }

  /** Reads what has arrived; asks to be called again when more does. */
  @Override
  public void run() {
    try {
      while (!outcome.isDone()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          boolean timedOut = chunk.getFailure() instanceof TimeoutException;
          finish(
              timedOut
                  ? new Refused(408, "the request body stopped arriving")
                  : new Refused(400, "the request body could not be read"));
          return;
        }
        boolean last;
        try {
          last = chunk.isLast();
          if (!append(chunk.getByteBuffer())) {
            return;
          }
        } finally {
          chunk.release();
        }
        if (last) {
          finish(new Body(buffer, length));
          return;
        }
        if (tooSlow()) {
          finish(
              new Refused(
                  408,
                  "the request body arrives slower than "
                      + limits.minBodyDataRate()
                      + " bytes per second"));
          return;
        }
      }
    } catch (RuntimeException | Error e) {
      finish(new Refused(400, "the request body could not be read"));
    }
  }

  private boolean append(ByteBuffer bytes) {
    int n = bytes.remaining();
    if (n == 0) {
      return true;
    }
    long needed = (long) length + n;
    if (needed > limits.maxBodyBytes()) {
      finish(
          new Refused(
              413,
              "the request body is larger than "
                  + limits.maxBodyBytes()
                  + " bytes; at most "
                  + limits.maxBodyBytes()
                  + " bytes are accepted"));
      return false;
    }
    if (needed > buffer.length) {
      long capacity = Math.max(needed, buffer.length == 0 ? INITIAL_CAPACITY : buffer.length * 2L);
      if (declared >= needed) {
        capacity = Math.min(capacity, declared);
      }
      capacity = Math.min(capacity, limits.maxBodyBytes());
      if (!lease.grow(capacity - buffer.length)) {
        finish(
            new Refused(
                503,
                "the webhook is buffering its limit of "
                    + limits.bufferedBytesBudget()
                    + " request bytes; retry"));
        return false;
      }
      buffer = Arrays.copyOf(buffer, (int) capacity);
    }
    bytes.get(buffer, length, n);
    length += n;
    return true;
  }

  private boolean tooSlow() {
    long elapsedNanos = System.nanoTime() - started - limits.bodyRateGrace().toNanos();
    if (elapsedNanos <= 0) {
      return false;
    }
    double expected = limits.minBodyDataRate() * (elapsedNanos / 1e9);
    return length < expected;
  }

  private void timedOut() {
    finish(
        new Refused(
            408,
            "the request body did not arrive within "
                + limits.bodyReadTimeout().toMillis()
                + " ms"));
  }

  private void finish(Outcome done) {
    outcome.complete(done);
  }
}
