package dev.tonnage.registry;

import java.util.List;
import java.util.Map;

/**
 * What Tonnage measures of one platform's image manifest, without pulling it.
 *
 * @param platform the platform (from the index entry, else from the config)
 * @param manifestDigest digest of this platform's image manifest
 * @param configDigest digest of the image config blob
 * @param compressedSize config size plus the sum of layer sizes: the bytes a node pulls
 * @param uncompressedSize sum of layer uncompressed sizes; null when any layer's is unknown or
 *     uncompressed sizes were not requested
 * @param layerCount number of layers
 * @param largestLayerSize size of the largest layer (compressed)
 * @param layers the layers in order, with the history step that made each
 * @param baseImage detected base image, or null when unknown
 * @param labels config labels of interest (org.opencontainers.image.*)
 */
public record PlatformFacts(
    Platform platform,
    String manifestDigest,
    String configDigest,
    long compressedSize,
    UncompressedSize uncompressedSize,
    int layerCount,
    long largestLayerSize,
    List<LayerFacts> layers,
    BaseImage baseImage,
    Map<String, String> labels) {

  public PlatformFacts {
    layers = List.copyOf(layers);
    labels = Map.copyOf(labels);
  }
}
