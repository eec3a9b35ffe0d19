package dev.tonnage.registry.cloud;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A cache clock that tests move by hand. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(System.nanoTime());

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
