package dev.tonnage.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts of one image reference: the digest it resolved to and the facts of each platform it
 * offers (one for a single manifest, several for an index; attestation entries skipped).
 *
 * @param reference the normalized reference that was asked for
 * @param digest the digest of the top-level manifest or index the reference resolved to
 * @param mediaType media type of that top-level manifest or index
 * @param platforms facts per platform, in index order
 * @param stale why these are the last known facts rather than fresh ones; null when fresh
 */
public record ImageFacts(
    ImageReference reference,
    String digest,
    String mediaType,
    List<PlatformFacts> platforms,
    StaleFacts stale) {

  public ImageFacts {
    platforms = List.copyOf(platforms);
  }

  /** Fresh facts. */
  public ImageFacts(
      ImageReference reference, String digest, String mediaType, List<PlatformFacts> platforms) {
    this(reference, digest, mediaType, platforms, null);
  }

  /** The same facts (and staleness) with other platforms. */
  public ImageFacts withPlatforms(List<PlatformFacts> others) {
    return new ImageFacts(reference, digest, mediaType, others, stale);
  }

  /**
   * A rough estimate of the heap these facts hold (strings at two bytes a character, a fixed cost
   * per object), for caches bounded by weight.
   */
  public long estimatedBytes() {
    long bytes = 256 + chars(digest) + chars(mediaType) + chars(reference.toString());
    for (PlatformFacts platform : platforms) {
      bytes += 512 + chars(platform.manifestDigest()) + chars(platform.configDigest());
      if (platform.baseImage() != null) {
        bytes += 64 + chars(platform.baseImage().name()) + chars(platform.baseImage().digest());
      }
      for (LayerFacts layer : platform.layers()) {
        bytes += 256 + chars(layer.digest()) + chars(layer.mediaType()) + chars(layer.createdBy());
      }
      for (Map.Entry<String, String> label : platform.labels().entrySet()) {
        bytes += 64 + chars(label.getKey()) + chars(label.getValue());
      }
    }
    return bytes;
  }

  private static long chars(String text) {
    return text == null ? 0 : 40 + 2L * text.length();
  }

  public Optional<PlatformFacts> platform(Platform wanted) {
    return platforms.stream().filter(p -> p.platform().equals(wanted)).findFirst();
  }
}
