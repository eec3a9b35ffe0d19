package dev.tonnage.policy;

import dev.tonnage.registry.ImageReference;
import java.util.List;
import java.util.Objects;

/**
 * An image whose facts some policy needs, and which optional facts it needs.
 *
 * @param reference the normalized reference to inspect
 * @param uncompressedSize whether a policy limits the uncompressed size (extra registry requests)
 * @param baseImageCandidates base images named exactly in policies, to detect a base by layer
 *     prefix when the image does not record it
 */
public record InspectionNeed(
    ImageReference reference, boolean uncompressedSize, List<ImageReference> baseImageCandidates) {

  public InspectionNeed {
    Objects.requireNonNull(reference, "reference");
    baseImageCandidates = List.copyOf(baseImageCandidates);
  }
}
