package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventDeduplicatorTest {

  private final AtomicLong nanos = new AtomicLong();
  private final EventDeduplicator dedup =
      new EventDeduplicator(Duration.ofMinutes(10), 3, nanos::get);
  private final WorkloadRef web = new WorkloadRef("apps/v1", "Deployment", "shop", "web", "u1");
  private final WorkloadRef db = new WorkloadRef("apps/v1", "StatefulSet", "shop", "db", "u2");

  @Test
  void theSameWorkloadImageAndReasonPassOncePerInterval() {
    var key = new EventDeduplicator.Key(web, "ghcr.io/acme/web:1.4", EventReason.ImageTooLarge);
    assertThat(dedup.firstInInterval(key)).isTrue();
    assertThat(dedup.firstInInterval(key)).isFalse();
    nanos.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(dedup.firstInInterval(key)).isFalse();
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(dedup.firstInInterval(key)).isTrue();
  }

  @Test
  void anotherWorkloadImageOrReasonIsAnotherEvent() {
    assertThat(dedup.firstInInterval(key(web, "a:1", EventReason.ImageTooLarge))).isTrue();
    assertThat(dedup.firstInInterval(key(db, "a:1", EventReason.ImageTooLarge))).isTrue();
    assertThat(dedup.firstInInterval(key(web, "a:2", EventReason.ImageTooLarge))).isTrue();
    assertThat(dedup.firstInInterval(key(web, "a:1", EventReason.BaseImageNotAllowed))).isTrue();
  }

  @Test
  void memoryStaysBoundedWhenMoreKeysThanTheCapAreLive() {
    for (int i = 0; i < 1000; i++) {
      dedup.firstInInterval(key(web, "image:" + i, EventReason.ImageTooLarge));
    }
    // The cap is 3: the oldest keys were evicted, so their Events may repeat (early, never lost).
    assertThat(dedup.firstInInterval(key(web, "image:0", EventReason.ImageTooLarge))).isTrue();
  }

  private static EventDeduplicator.Key key(WorkloadRef w, String image, EventReason reason) {
    return new EventDeduplicator.Key(w, image, reason);
  }
}
