package dev.tonnage.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a base image by layer prefix: the candidate platform image with the most layers whose
 * layers are exactly the first layers of the image. Layer digests are content addresses, so a match
 * means the image was built on that base.
 */
final class BaseImageMatcher {
  private static final Logger log = LoggerFactory.getLogger(BaseImageMatcher.class);

  private BaseImageMatcher() {}

  /**
   * {@code facts} with a layer-prefix base for platforms that declare none, from the facts {@code
   * inspector} gives for the request's candidate bases (compressed sizes only; an unavailable
   * candidate is passed over).
   */
  static CompletableFuture<ImageFacts> withCandidateBases(
      ImageInspector inspector, ImageFacts facts, InspectRequest request) {
    if (request.candidateBases().isEmpty()
        || facts.platforms().stream().allMatch(p -> p.baseImage() != null)) {
      return CompletableFuture.completedFuture(facts);
    }
    InspectRequest plain = request.withCandidateBases(List.of()).withUncompressed(false);
    List<CompletableFuture<ImageFacts>> candidates = new ArrayList<>();
    for (ImageReference candidate : request.candidateBases()) {
      candidates.add(
          inspector
              .inspect(candidate, plain)
              .exceptionally(
                  e -> {
                    log.debug("candidate base {} unavailable: {}", candidate, e.getMessage());
                    return null;
                  }));
    }
    return CompletableFuture.allOf(candidates.toArray(CompletableFuture[]::new))
        .thenApply(done -> apply(facts, candidates.stream().map(CompletableFuture::join).toList()));
  }

  /** {@code facts} with a {@link BaseImage.Source#LAYER_PREFIX} base where none was declared. */
  static ImageFacts apply(ImageFacts facts, List<ImageFacts> candidates) {
    List<PlatformFacts> platforms = new ArrayList<>();
    for (PlatformFacts platform : facts.platforms()) {
      BaseImage found = platform.baseImage() != null ? null : match(platform, candidates);
      platforms.add(found == null ? platform : FactsAssembler.withBase(platform, found));
    }
    return facts.withPlatforms(platforms);
  }

  static BaseImage match(PlatformFacts image, List<ImageFacts> candidates) {
    BaseImage best = null;
    int bestLength = 0;
    for (ImageFacts candidate : candidates) {
      if (candidate == null) {
        continue;
      }
      for (PlatformFacts base : candidate.platforms()) {
        int length = base.layers().size();
        boolean itself = base.manifestDigest().equals(image.manifestDigest());
        if (!itself && length > bestLength && isPrefix(base, image)) {
          best =
              new BaseImage(
                  candidate.reference().toString(),
                  base.manifestDigest(),
                  BaseImage.Source.LAYER_PREFIX);
          bestLength = length;
        }
      }
    }
    return best;
  }

  private static boolean isPrefix(PlatformFacts base, PlatformFacts image) {
    if (base.layers().size() > image.layers().size()) {
      return false;
    }
    for (int i = 0; i < base.layers().size(); i++) {
      if (!base.layers().get(i).digest().equals(image.layers().get(i).digest())) {
        return false;
      }
    }
    return true;
  }
}
