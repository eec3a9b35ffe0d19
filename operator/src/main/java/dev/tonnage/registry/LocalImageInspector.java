package dev.tonnage.registry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the stand-in references of {@link LocalImages} from their files and hands every other
 * reference to the registry inspector. A local image is read on the caller's thread (local reads
 * take milliseconds; layer streams stop at the deadline). Candidate base images come from the
 * registry inspector, matched by layer prefix as for a pushed image.
 */
final class LocalImageInspector implements ImageInspector {
  private final Map<ImageReference, LocalImage> local;
  private final ImageInspector registry;

  LocalImageInspector(Map<ImageReference, LocalImage> local, ImageInspector registry) {
    this.local = local;
    this.registry = registry;
  }

  @Override
  public CompletableFuture<ImageFacts> inspect(ImageReference ref, InspectRequest request) {
    LocalImage image = local.get(ref);
    if (image == null) {
      return registry.inspect(ref, request);
    }
    ImageFacts facts;
    try {
      facts = LocalImageReader.read(image, ref, request.uncompressed(), request.deadline());
    } catch (RegistryException e) {
      return CompletableFuture.failedFuture(e);
    }
    return BaseImageMatcher.withCandidateBases(this, facts, request);
  }
}
