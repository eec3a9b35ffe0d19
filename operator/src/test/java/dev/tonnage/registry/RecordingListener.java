package dev.tonnage.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the client reports, for assertions. */
final class RecordingListener implements RegistryEventListener {
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<long[]> rateLimits = new CopyOnWriteArrayList<>();
  final List<String> cache = new CopyOnWriteArrayList<>();
  final List<String> staleServed = new CopyOnWriteArrayList<>();

  @Override
  public void staleFactsServed(String registry) {
    staleServed.add(registry);
  }

  @Override
  public void requestCompleted(String registry, String method, int status, Duration duration) {
    requests.add(method + " " + status);
  }

  @Override
  public void rateLimitSeen(String registry, long limit, long remaining) {
    rateLimits.add(new long[] {limit, remaining});
  }

  @Override
  public void cacheHit(Cache which) {
    cache.add("hit " + which);
  }

  @Override
  public void cacheMiss(Cache which) {
    cache.add("miss " + which);
  }
}
