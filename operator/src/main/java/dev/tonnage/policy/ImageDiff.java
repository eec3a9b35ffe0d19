package dev.tonnage.policy;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How an image changed from an old one: a {@link PlatformDiff} per platform both offer, and the
 * platforms only one of them offers. Attestation entries ({@code unknown/unknown}) are no platform.
 *
 * @param before the old image's facts
 * @param after the new image's facts
 * @param platforms the diffs of the common platforms, in the new image's order
 * @param onlyBefore platforms only the old image offers
 * @param onlyAfter platforms only the new image offers
 */
public record ImageDiff(
    ImageFacts before,
    ImageFacts after,
    List<PlatformDiff> platforms,
    List<Platform> onlyBefore,
    List<Platform> onlyAfter) {

  public ImageDiff {
    platforms = List.copyOf(platforms);
    onlyBefore = List.copyOf(onlyBefore);
    onlyAfter = List.copyOf(onlyAfter);
  }

  public static ImageDiff of(ImageFacts before, ImageFacts after) {
    List<PlatformDiff> common = new ArrayList<>();
    List<Platform> onlyAfter = new ArrayList<>();
    for (PlatformFacts now : real(after)) {
      Optional<PlatformFacts> old = before.platform(now.platform());
      if (old.isPresent()) {
        common.add(PlatformDiff.of(old.get(), now));
      } else {
        onlyAfter.add(now.platform());
      }
    }
    List<Platform> onlyBefore =
        real(before).stream()
            .map(PlatformFacts::platform)
            .filter(p -> after.platform(p).isEmpty())
            .toList();
    return new ImageDiff(before, after, common, onlyBefore, onlyAfter);
  }

  private static List<PlatformFacts> real(ImageFacts facts) {
    return facts.platforms().stream().filter(p -> !p.platform().isUnknown()).toList();
  }
}
