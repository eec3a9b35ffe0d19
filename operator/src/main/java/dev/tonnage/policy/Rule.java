package dev.tonnage.policy;

/** The rule a violation breaks; each maps to one field of the policy spec. */
public enum Rule {
  /** spec.limits.maxCompressedSize */
  MAX_COMPRESSED_SIZE,
  /** spec.limits.maxUncompressedSize */
  MAX_UNCOMPRESSED_SIZE,
  /** spec.limits.maxLayers */
  MAX_LAYERS,
  /** spec.limits.maxLayerSize */
  MAX_LAYER_SIZE,
  /** spec.baseImages.denied */
  BASE_IMAGE_DENIED,
  /** spec.baseImages.allowed */
  BASE_IMAGE_NOT_ALLOWED,
  /** spec.baseImages.requireKnownBase */
  BASE_IMAGE_UNKNOWN
}
