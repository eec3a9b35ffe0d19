package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutTest {

  private final List<ExecutorService> pools = new java.util.ArrayList<>();

  private ThreadPoolExecutor pool(int threads, boolean queue) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.SECONDS,
            queue ? new LinkedBlockingQueue<>() : new SynchronousQueue<>());
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void stopPools() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void resultsComeInItemOrder() throws Exception {
    FanOut fanOut = new FanOut(pool(4, false), 8);
    assertThat(fanOut.map(upTo(50), i -> i * 2))
        .isEqualTo(upTo(50).stream().map(i -> i * 2).toList());
    assertThat(fanOut.map(List.<Integer>of(), i -> i)).isEmpty();
  }

  @Test
  void nestedFanOutOnAOneThreadPoolThatItRunsOnCompletes() throws Exception {
    // The fetch runs on the only pool thread and asks the same pool for helpers: they queue
    // behind it, and it must not wait for them.
    ThreadPoolExecutor single = pool(1, true);
    FanOut fanOut = new FanOut(single, 8);
    Future<List<Integer>> fetch = single.submit(() -> fanOut.map(upTo(20), i -> i + 1));
    assertThat(fetch.get(5, TimeUnit.SECONDS)).hasSize(20).startsWith(1, 2, 3);
  }

  @Test
  void twoFetchesOnATwoThreadPoolSharingItForHelpersComplete() throws Exception {
    ThreadPoolExecutor two = pool(2, true);
    FanOut fanOut = new FanOut(two, 8);
    FanOut.Step<Integer, Integer> slow =
        i -> {
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return i;
        };
    Future<List<Integer>> a = two.submit(() -> fanOut.map(upTo(30), slow));
    Future<List<Integer>> b = two.submit(() -> fanOut.map(upTo(30), slow));
    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(upTo(30));
    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(upTo(30));
  }

  @Test
  void atMostTheParallelismRunsAtOnceCallerIncluded() throws Exception {
    FanOut fanOut = new FanOut(pool(32, false), 3);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    fanOut.map(
        upTo(40),
        i -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
          return i;
        });
    assertThat(most.get()).isBetween(1, 3);
  }

  @Test
  void helpersReallyRunInParallelWhenThePoolIsIdle() throws Exception {
    FanOut fanOut = new FanOut(pool(8, false), 4);
    CountDownLatch allFourAtOnce = new CountDownLatch(4);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    fanOut.map(
        upTo(4),
        i -> {
          threads.add(Thread.currentThread().getName());
          allFourAtOnce.countDown();
          try {
            allFourAtOnce.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return i;
        });
    assertThat(threads).hasSize(4);
  }

  @Test
  void aBusyPoolMakesTheWorkSequentialOnTheCaller() throws Exception {
    ThreadPoolExecutor busy = pool(1, false);
    CountDownLatch release = new CountDownLatch(1);
    busy.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    FanOut fanOut = new FanOut(busy, 8);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Integer> results =
        fanOut.map(
            upTo(10),
            i -> {
              threads.add(Thread.currentThread().getName());
              return i;
            });
    release.countDown();
    assertThat(results).isEqualTo(upTo(10));
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void theFirstFailureEndsTheRunAndLaterStepsAreSkipped() {
    FanOut fanOut = new FanOut(pool(1, false), 1);
    AtomicInteger ran = new AtomicInteger();
    assertThatThrownBy(
            () ->
                fanOut.map(
                    upTo(10),
                    i -> {
                      ran.incrementAndGet();
                      if (i == 2) {
                        throw new InvalidManifestException("r", "x", "entry 2 is broken");
                      }
                      return i;
                    }))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("entry 2 is broken");
    assertThat(ran.get()).isEqualTo(3);
  }

  @Test
  void aRuntimeFailureOnAHelperReachesTheCaller() {
    FanOut fanOut = new FanOut(pool(4, false), 4);
    assertThatThrownBy(
            () ->
                fanOut.map(
                    upTo(4),
                    i -> {
                      if (Thread.currentThread().getName().startsWith("pool-")) {
                        throw new IllegalStateException("helper failed");
                      }
                      try {
                        Thread.sleep(50);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return i;
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("helper failed");
  }
}
