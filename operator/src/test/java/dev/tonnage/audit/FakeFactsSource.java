package dev.tonnage.audit;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.NotFoundException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers facts from a size table, counting every fetch per image; images named in {@code failures}
 * fail as not found with the given message.
 */
final class FakeFactsSource implements ImageInspector {

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
  public CompletableFuture<ImageFacts> inspect(ImageReference reference, InspectRequest request) {
    String key = reference.toString();
    total.incrementAndGet();
    fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    String failure = failures.get(key);
    if (failure != null) {
      return CompletableFuture.failedFuture(
          new NotFoundException(reference.registry(), reference.repository(), failure));
    }
    return CompletableFuture.completedFuture(
        TestingFacts.ofSize(reference, sizes.getOrDefault(key, defaultSize)));
  }
}
