package dev.tonnage.audit;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.util.concurrent.CompletableFuture;

/**
 * Where the audit gets image facts: the registry engine (its digest cache and in-flight collapsing
 * included), or a fake in tests and the benchmark.
 */
@FunctionalInterface
public interface ImageFactsSource {

  CompletableFuture<ImageFacts> facts(ImageReference reference);
}
