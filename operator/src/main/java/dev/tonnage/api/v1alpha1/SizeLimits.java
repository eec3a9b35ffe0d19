package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Size limits of one image per platform; an absent limit is not checked. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "maxCompressedSize",
  "maxUncompressedSize",
  "maxLayers",
  "maxLayerSize",
  "maxGrowth"
})
public class SizeLimits {

  /**
   * A non-negative byte quantity: digits with an optional fraction and a binary (Ki..Ei), decimal
   * (k..E) or exponent suffix. Milli and smaller suffixes are refused: they are never byte counts.
   * A string, not int-or-string: fabric8's generator drops the pattern from int-or-string fields,
   * and the pattern is what makes a typo fail at kubectl apply.
   */
  public static final String BYTE_QUANTITY_PATTERN =
      "^[0-9]+(\\.[0-9]+)?([KMGTPE]i|[kMGTPE]|[eE][0-9]+)?$";

  @JsonPropertyDescription(
      "Largest compressed size (config plus layers as pulled): a quantity such as 500Mi, 1Gi"
          + " or \"1000000\" (bytes; quote plain numbers).")
  @Pattern(BYTE_QUANTITY_PATTERN)
  private String maxCompressedSize;

  @JsonPropertyDescription("Largest uncompressed size (the layers unpacked on disk), e.g. 2Gi.")
  @Pattern(BYTE_QUANTITY_PATTERN)
  private String maxUncompressedSize;

  /**
   * A growth limit: a percentage of the previous image's size ({@code 10%}, {@code 2.5%}) or a byte
   * quantity as {@link #BYTE_QUANTITY_PATTERN} admits ({@code 50Mi}).
   */
  public static final String GROWTH_PATTERN =
      "^([0-9]+(\\.[0-9]+)?%|[0-9]+(\\.[0-9]+)?([KMGTPE]i|[kMGTPE]|[eE][0-9]+)?)$";

  /** Most characters of spec.limits.maxGrowth: a percentage or quantity is a handful of them. */
  public static final int MAX_GROWTH_LENGTH = 32;

  @JsonPropertyDescription(
      "Most an image may grow (compressed size) when an UPDATE replaces it in the same"
          + " container: a percentage of the previous image's size such as 10%, or a quantity"
          + " such as 50Mi. Judged by the admission webhook on UPDATE only; never on CREATE"
          + " and never by the audit.")
  @Pattern(GROWTH_PATTERN)
  @Size(max = MAX_GROWTH_LENGTH)
  private String maxGrowth;

  @JsonPropertyDescription("Most layers an image may have.")
  @Min(0)
  private Integer maxLayers;

  @JsonPropertyDescription("Largest compressed size of any single layer, e.g. 300Mi.")
  @Pattern(BYTE_QUANTITY_PATTERN)
  private String maxLayerSize;

  public String getMaxCompressedSize() {
    return maxCompressedSize;
  }

  public void setMaxCompressedSize(String maxCompressedSize) {
    this.maxCompressedSize = maxCompressedSize;
  }

  public String getMaxUncompressedSize() {
    return maxUncompressedSize;
  }

  public void setMaxUncompressedSize(String maxUncompressedSize) {
    this.maxUncompressedSize = maxUncompressedSize;
  }

  public Integer getMaxLayers() {
    return maxLayers;
  }

  public void setMaxLayers(Integer maxLayers) {
    this.maxLayers = maxLayers;
  }

  public String getMaxLayerSize() {
    return maxLayerSize;
  }

  public void setMaxLayerSize(String maxLayerSize) {
    this.maxLayerSize = maxLayerSize;
  }

  public String getMaxGrowth() {
    return maxGrowth;
  }

  public void setMaxGrowth(String maxGrowth) {
    this.maxGrowth = maxGrowth;
  }
}
