package dev.tonnage.policy;

/**
 * The rule a violation breaks; each maps to one field of the policy spec, and to the name an
 * ImagePolicyException's spec.rules waives it by.
 */
public enum Rule {
  /** spec.limits.maxCompressedSize */
  MAX_COMPRESSED_SIZE("maxCompressedSize"),
  /** spec.limits.maxUncompressedSize */
  MAX_UNCOMPRESSED_SIZE("maxUncompressedSize"),
  /** spec.limits.maxLayers */
  MAX_LAYERS("maxLayers"),
  /** spec.limits.maxLayerSize */
  MAX_LAYER_SIZE("maxLayerSize"),
  /** spec.limits.maxGrowth: judged only against the image an UPDATE replaces */
  MAX_GROWTH("maxGrowth"),
  /** spec.baseImages.denied */
  BASE_IMAGE_DENIED("baseImages"),
  /** spec.baseImages.allowed */
  BASE_IMAGE_NOT_ALLOWED("baseImages"),
  /** spec.baseImages.requireKnownBase */
  BASE_IMAGE_UNKNOWN("baseImages");

  private final String exceptionName;

  Rule(String exceptionName) {
    this.exceptionName = exceptionName;
  }

  /** The name in an exception's spec.rules: the spec field, {@code baseImages} for all three. */
  public String exceptionName() {
    return exceptionName;
  }
}
