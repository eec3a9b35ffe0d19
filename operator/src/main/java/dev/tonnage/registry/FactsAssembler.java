package dev.tonnage.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a platform's manifest and config into {@link PlatformFacts}. No I/O. */
final class FactsAssembler {
  private FactsAssembler() {}

  static final String BASE_NAME = "org.opencontainers.image.base.name";
  static final String BASE_DIGEST = "org.opencontainers.image.base.digest";
  private static final String OCI_LABEL_PREFIX = "org.opencontainers.image.";

  /** Refuses manifests whose config is not an image config (Helm charts, signatures, SBOMs). */
  static void requireImage(ImageManifest manifest, ImageReference ref) throws NotAnImageException {
    String configType = manifest.config().mediaType();
    if (!MediaTypes.IMAGE_CONFIGS.contains(configType)) {
      String kind = manifest.artifactType() != null ? manifest.artifactType() : configType;
      throw new NotAnImageException(
          ref.registry(),
          ref.repository(),
          ref
              + " is not a container image but an artifact of type \""
              + kind
              + "\" (config media type \""
              + configType
              + "\"); point Tonnage at the image itself");
    }
  }

  static PlatformFacts assemble(
      Platform indexPlatform, String manifestDigest, ImageManifest manifest, ImageConfig config) {
    List<String> createdBy = createdByPerLayer(config, manifest.layers().size());
    List<LayerFacts> layers = new ArrayList<>();
    long compressed = manifest.config().size();
    long largest = 0;
    for (int i = 0; i < manifest.layers().size(); i++) {
      Descriptor layer = manifest.layers().get(i);
      layers.add(
          new LayerFacts(layer.digest(), layer.mediaType(), layer.size(), null, createdBy.get(i)));
      compressed += layer.size();
      largest = Math.max(largest, layer.size());
    }
    Platform platform =
        indexPlatform != null
            ? indexPlatform
            : new Platform(
                config.os() == null ? "unknown" : config.os(),
                config.architecture() == null ? "unknown" : config.architecture(),
                config.variant());
    return new PlatformFacts(
        platform,
        manifestDigest,
        manifest.config().digest(),
        compressed,
        null,
        layers.size(),
        largest,
        layers,
        declaredBase(manifest.annotations(), config.labels()),
        ociLabels(config.labels()));
  }

  /** The same facts with per-layer uncompressed sizes; the total only when every layer's known. */
  static PlatformFacts withUncompressed(
      PlatformFacts facts, Map<String, UncompressedSize> byLayerDigest) {
    List<LayerFacts> layers = new ArrayList<>();
    UncompressedSize total = UncompressedSize.exact(0, "sum");
    for (LayerFacts layer : facts.layers()) {
      UncompressedSize size = byLayerDigest.get(layer.digest());
      layers.add(
          new LayerFacts(layer.digest(), layer.mediaType(), layer.size(), size, layer.createdBy()));
      total = total == null || size == null ? null : total.plus(size);
    }
    return new PlatformFacts(
        facts.platform(),
        facts.manifestDigest(),
        facts.configDigest(),
        facts.compressedSize(),
        total,
        facts.layerCount(),
        facts.largestLayerSize(),
        layers,
        facts.baseImage(),
        facts.labels());
  }

  static PlatformFacts withBase(PlatformFacts facts, BaseImage base) {
    return new PlatformFacts(
        facts.platform(),
        facts.manifestDigest(),
        facts.configDigest(),
        facts.compressedSize(),
        facts.uncompressedSize(),
        facts.layerCount(),
        facts.largestLayerSize(),
        facts.layers(),
        base,
        facts.labels());
  }

  /**
   * The {@code created_by} of the history step behind each layer: steps marked {@code empty_layer}
   * made none. When the counts disagree the mapping is unknowable: all null.
   */
  static List<String> createdByPerLayer(ImageConfig config, int layerCount) {
    List<String> steps = new ArrayList<>();
    for (ImageConfig.History step : config.history()) {
      if (!step.emptyLayer()) {
        steps.add(step.createdBy());
      }
    }
    if (steps.size() != layerCount) {
      List<String> unknown = new ArrayList<>();
      for (int i = 0; i < layerCount; i++) {
        unknown.add(null);
      }
      return unknown;
    }
    return steps;
  }

  private static BaseImage declaredBase(
      Map<String, String> annotations, Map<String, String> labels) {
    if (annotations.containsKey(BASE_NAME)) {
      return new BaseImage(
          normalized(annotations.get(BASE_NAME)),
          annotations.get(BASE_DIGEST),
          BaseImage.Source.MANIFEST_ANNOTATION);
    }
    if (labels.containsKey(BASE_NAME)) {
      return new BaseImage(
          normalized(labels.get(BASE_NAME)),
          labels.get(BASE_DIGEST),
          BaseImage.Source.CONFIG_LABEL);
    }
    return null;
  }

  private static String normalized(String name) {
    try {
      return ImageReference.parse(name.trim()).toString();
    } catch (InvalidReferenceException e) {
      return name;
    }
  }

  private static Map<String, String> ociLabels(Map<String, String> labels) {
    Map<String, String> picked = new TreeMap<>();
    labels.forEach(
        (key, value) -> {
          if (key.startsWith(OCI_LABEL_PREFIX) && value != null) {
            picked.put(key, value);
          }
        });
    return picked;
  }

  /** A rough memory weight of cached facts, for the cache's byte bound. */
  static int weigh(ImageFacts facts) {
    long bytes = 256;
    for (PlatformFacts platform : facts.platforms()) {
      bytes += 512;
      for (LayerFacts layer : platform.layers()) {
        bytes += 256 + 2L * (layer.createdBy() == null ? 0 : layer.createdBy().length());
      }
      for (Map.Entry<String, String> label : platform.labels().entrySet()) {
        bytes += 64 + 2L * (label.getKey().length() + label.getValue().length());
      }
    }
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }
}
