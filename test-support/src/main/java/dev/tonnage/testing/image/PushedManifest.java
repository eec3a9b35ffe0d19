package dev.tonnage.testing.image;

import java.util.List;
import java.util.Map;

/**
 * The expected facts of one image manifest (one platform, or one attestation or artifact), computed
 * from the pushed bytes.
 *
 * @param platform from the index entry, else from the config; null for non-image artifacts
 * @param digest the manifest digest
 * @param mediaType the manifest media type
 * @param configDigest the config blob digest
 * @param configMediaType the config media type
 * @param configSize the config blob size
 * @param compressedSize config size plus the sum of layer sizes: the bytes a node pulls
 * @param layers the layers in manifest order
 * @param baseImage the declared base image, or null
 * @param labels the config labels (empty for artifacts)
 * @param annotations the manifest annotations
 */
public record PushedManifest(
    ImagePlatform platform,
    String digest,
    String mediaType,
    String configDigest,
    String configMediaType,
    long configSize,
    long compressedSize,
    List<PushedLayer> layers,
    DeclaredBaseImage baseImage,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public PushedManifest {
    layers = List.copyOf(layers);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public int layerCount() {
    return layers.size();
  }

  /** The sum of the layers' uncompressed sizes. */
  public long uncompressedSize() {
    return layers.stream().mapToLong(PushedLayer::uncompressedSize).sum();
  }

  /** The largest compressed layer size, 0 without layers. */
  public long largestLayerSize() {
    return layers.stream().mapToLong(PushedLayer::size).max().orElse(0);
  }
}
