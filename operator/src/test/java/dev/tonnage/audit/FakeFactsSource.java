package dev.tonnage.audit;

import dev.tonnage.policy.ImageFactsSource;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers facts from a size table, counting every fetch per image; images named in {@code failures}
 * fail with the given message, as the registry engine's typed exceptions do.
 */
final class FakeFactsSource implements ImageFactsSource {

  private final Map<String, Long> sizes = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  final AtomicInteger total = new AtomicInteger();
  private final long defaultSize;

  FakeFactsSource(long defaultSize) {
    this.defaultSize = defaultSize;
  }

  FakeFactsSource size(String image, long bytes) {
    sizes.put(ImageReference.parse(image).toString(), bytes);
    return this;
  }

  FakeFactsSource fail(String image, String message) {
    failures.put(ImageReference.parse(image).toString(), message);
    return this;
  }

  @Override
  public CompletableFuture<ImageFacts> inspect(InspectionNeed need) {
    ImageReference reference = need.reference();
    String key = reference.toString();
    total.incrementAndGet();
    fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    String failure = failures.get(key);
    if (failure != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(failure));
    }
    return CompletableFuture.completedFuture(
        TestingFacts.ofSize(reference, sizes.getOrDefault(key, defaultSize)));
  }
}
