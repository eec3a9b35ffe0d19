package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
import java.util.concurrent.CompletableFuture;

/**
 * Where facts come from for a caller that fetches them itself (the CLI): in production the registry
 * client, in tests a fake. The evaluator never calls it; it receives the outcomes.
 */
@FunctionalInterface
public interface ImageFactsSource {

  /** The facts of {@code need.reference()}, with the optional facts {@code need} asks for. */
  CompletableFuture<ImageFacts> inspect(InspectionNeed need);
}
