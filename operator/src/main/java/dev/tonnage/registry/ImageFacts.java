package dev.tonnage.registry;

import java.util.List;
import java.util.Optional;

/**
 * The facts of one image reference: the digest it resolved to and the facts of each platform it
 * offers (one for a single manifest, several for an index; attestation entries skipped).
 *
 * @param reference the normalized reference that was asked for
 * @param digest the digest of the top-level manifest or index the reference resolved to
 * @param mediaType media type of that top-level manifest or index
 * @param platforms facts per platform, in index order
 */
public record ImageFacts(
    ImageReference reference, String digest, String mediaType, List<PlatformFacts> platforms) {

  public ImageFacts {
    platforms = List.copyOf(platforms);
  }

  public Optional<PlatformFacts> platform(Platform wanted) {
    return platforms.stream().filter(p -> p.platform().equals(wanted)).findFirst();
  }
}
