package dev.tonnage.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * Lets at most one Event through per workload, image and reason within an audit interval. Bounded:
 * when more keys than {@code maximumKeys} are live the least recently used are forgotten, which at
 * worst repeats an Event early, never grows memory.
 */
public final class EventDeduplicator {

  /** What makes two Events the same for deduplication. */
  public record Key(WorkloadRef workload, String image, EventReason reason) {}

  private final Cache<Key, Boolean> recent;

  public EventDeduplicator(Duration interval, long maximumKeys) {
    this(interval, maximumKeys, Ticker.systemTicker());
  }

  EventDeduplicator(Duration interval, long maximumKeys, Ticker ticker) {
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(interval)
            .maximumSize(maximumKeys)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  /** True the first time {@code key} is seen within the interval; false for repeats. */
  public boolean firstInInterval(Key key) {
    return recent.asMap().putIfAbsent(key, Boolean.TRUE) == null;
  }
}
