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

  /**
   * A declared base name longer than any valid reference ({@link ImageReference#MAX_LENGTH}) is not
   * read at all: the base is unknown, as if none was declared.
   */
  static final int MAX_BASE_NAME_LENGTH = ImageReference.MAX_LENGTH;

  /** The build command kept per layer: enough to recognise it; longer ones end in "...". */
  static final int MAX_CREATED_BY_LENGTH = 1024;

  /** History steps read; a config with more maps no layer to a step (the layers are capped). */
  static final int MAX_HISTORY_ENTRIES = 1024;

  /** org.opencontainers.image.* labels kept per platform, in key order. */
  static final int MAX_LABELS_KEPT = 16;

  /** Longest label key kept; the OCI keys are under 50 characters. */
  static final int MAX_LABEL_KEY_LENGTH = 128;

  /** Longest label value kept; longer ones end in "...". */
  static final int MAX_LABEL_VALUE_LENGTH = 256;

  private static final String ELLIPSIS = "...";

  /** Refuses manifests whose config is not an image config (Helm charts, signatures, SBOMs). */
  static void requireImage(ImageManifest manifest, ImageReference ref) throws NotAnImageException {
    String configType = manifest.config().mediaType();
    // List.of(...).contains(null) throws: a config without a media type is no image config.
    if (configType == null || !MediaTypes.IMAGE_CONFIGS.contains(configType)) {
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
    if (config.history().size() <= MAX_HISTORY_ENTRIES) {
      for (ImageConfig.History step : config.history()) {
        if (step != null && !step.emptyLayer()) {
          steps.add(truncated(step.createdBy(), MAX_CREATED_BY_LENGTH));
        }
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

  /**
   * The base the image declares, or null (unknown). A declaration whose name is over {@link
   * #MAX_BASE_NAME_LENGTH} makes the base unknown, even when the other place names one: the image
   * is not trusted to have one sane and one hostile claim. A digest that is not a digest is
   * dropped.
   */
  private static BaseImage declaredBase(
      Map<String, String> annotations, Map<String, String> labels) {
    Map<String, String> declared;
    BaseImage.Source source;
    if (annotations.get(BASE_NAME) != null) {
      declared = annotations;
      source = BaseImage.Source.MANIFEST_ANNOTATION;
    } else if (labels.get(BASE_NAME) != null) {
      declared = labels;
      source = BaseImage.Source.CONFIG_LABEL;
    } else {
      return null;
    }
    String name = declared.get(BASE_NAME);
    if (name.length() > MAX_BASE_NAME_LENGTH) {
      return null;
    }
    String digest = declared.get(BASE_DIGEST);
    boolean validDigest = digest != null && digest.length() <= 135 && Digests.isValid(digest);
    return new BaseImage(normalized(name), validDigest ? digest : null, source);
  }

  private static String normalized(String name) {
    try {
      return ImageReference.parse(name.trim()).toString();
    } catch (InvalidReferenceException e) {
      return name;
    }
  }

  /** The OCI labels, capped in number, key and value length: they are kept with cached facts. */
  private static Map<String, String> ociLabels(Map<String, String> labels) {
    TreeMap<String, String> picked = new TreeMap<>();
    labels.forEach(
        (key, value) -> {
          if (key != null
              && key.startsWith(OCI_LABEL_PREFIX)
              && key.length() <= MAX_LABEL_KEY_LENGTH
              && value != null) {
            picked.put(key, value);
            if (picked.size() > MAX_LABELS_KEPT) {
              picked.pollLastEntry();
            }
          }
        });
    picked.replaceAll((key, value) -> truncated(value, MAX_LABEL_VALUE_LENGTH));
    return picked;
  }

  /** {@code text} cut to {@code max} characters, the last three "..." when cut. */
  static String truncated(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max - ELLIPSIS.length()) + ELLIPSIS;
  }
}
