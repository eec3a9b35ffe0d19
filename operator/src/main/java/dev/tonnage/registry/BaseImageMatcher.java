package dev.tonnage.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds a base image by layer prefix: the candidate platform image with the most layers whose
 * layers are exactly the first layers of the image. Layer digests are content addresses, so a match
 * means the image was built on that base.
 */
final class BaseImageMatcher {
  private BaseImageMatcher() {}

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
