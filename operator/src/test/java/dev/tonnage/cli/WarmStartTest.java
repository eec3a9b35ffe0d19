package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The warm start's thread bound (docs/security.md): one thread per process, however often and from
 * however many threads a short run begins it, and none left once the run has waited for it.
 */
class WarmStartTest {

  @Test
  void beginsAtMostOneThreadPerProcess() throws InterruptedException {
    WarmStart.begin();
    Thread first = WarmStart.thread();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                for (int j = 0; j < 100; j++) {
                  WarmStart.begin();
                }
              });
      caller.start();
      callers.add(caller);
    }
    go.countDown();
    for (Thread caller : callers) {
      caller.join();
    }

    assertThat(WarmStart.thread()).as("800 more begins start no other thread").isSameAs(first);
    assertThat(warmStartThreads()).as("warm-start threads alive").isLessThanOrEqualTo(1);
    WarmStart.await();
    assertThat(warmStartThreads()).as("warm-start threads after await").isZero();
    WarmStart.begin();
    assertThat(WarmStart.thread()).as("a later begin starts none").isSameAs(first);
  }

  private static long warmStartThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tonnage-warm-start") && t.isAlive())
        .count();
  }
}
