package dev.tonnage.testing.image;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * What was pushed and what a correct reader must measure, computed from the pushed bytes.
 *
 * @param registry {@code 127.0.0.1:PORT}
 * @param repository e.g. {@code team/app}
 * @param tag the tag, or null when pushed by digest only
 * @param digest the digest of the top-level manifest or index
 * @param mediaType the top-level media type (the Content-Type it was pushed with)
 * @param manifests the platform images (one for a single-platform image or artifact), in index
 *     order, attestations excluded
 * @param attestations the attestation manifests of an index, in index order
 */
public record PushedImage(
    String registry,
    String repository,
    String tag,
    String digest,
    String mediaType,
    List<PushedManifest> manifests,
    List<PushedManifest> attestations) {

  public PushedImage {
    manifests = List.copyOf(manifests);
    attestations = List.copyOf(attestations);
  }

  /** {@code REGISTRY/REPOSITORY:TAG}, or the digest reference when there is no tag. */
  public String reference() {
    return tag == null ? digestReference() : registry + "/" + repository + ":" + tag;
  }

  /** {@code REGISTRY/REPOSITORY@sha256:...}. */
  public String digestReference() {
    return registry + "/" + repository + "@" + digest;
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** The only manifest of a single-platform image; fails for an index of several. */
  public PushedManifest single() {
    if (manifests.size() != 1) {
      throw new IllegalStateException(
          reference() + " has " + manifests.size() + " platform manifests, not one");
    }
    return manifests.get(0);
  }

  /** The manifest for {@code platform} as written, e.g. {@code linux/arm/v7}. */
  public PushedManifest platform(String platform) {
    return manifests.stream()
        .filter(m -> m.platform() != null && m.platform().toString().equals(platform))
        .findFirst()
        .orElseThrow(
            () ->
                new NoSuchElementException(
                    reference()
                        + " has no "
                        + platform
                        + " manifest; it has "
                        + manifests.stream().map(PushedManifest::platform).toList()));
  }
}
