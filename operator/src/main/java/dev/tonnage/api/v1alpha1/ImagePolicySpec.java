package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The spec shared by {@link ClusterImagePolicy} and {@link ImagePolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "action",
  "match",
  "exclude",
  "limits",
  "baseImages",
  "platforms",
  "onRegistryError",
  "annotate"
})
public class ImagePolicySpec {

  /** os/arch[/variant], e.g. linux/arm64 or linux/arm/v7. */
  public static final String PLATFORM_PATTERN = "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$";

  /** Most entries in each list of image or base image patterns. */
  public static final int MAX_PATTERNS = 64;

  /** Longest image or base image pattern. */
  public static final int MAX_PATTERN_LENGTH = 512;

  /** Most entries in exclude.namespaces. */
  public static final int MAX_NAMESPACES = 256;

  /** Most entries in platforms. */
  public static final int MAX_PLATFORMS = 16;

  @JsonPropertyDescription(
      "Enforce denies a workload that breaks the policy; Warn admits it with a warning;"
          + " Audit only reports it in the status, events and metrics.")
  @Default("Warn")
  private PolicyAction action;

  @JsonPropertyDescription("Which workloads and images the policy applies to.")
  private PolicyMatch match;

  @JsonPropertyDescription("Namespaces and images the policy never applies to.")
  private PolicyExclude exclude;

  @JsonPropertyDescription("Size and layer limits; each is optional.")
  private SizeLimits limits;

  @JsonPropertyDescription("Which base images the images may be built from.")
  private BaseImageRules baseImages;

  @JsonPropertyDescription(
      "Platforms (os/arch[/variant]) to check. Empty: the platforms the Pod can be scheduled on"
          + " (kubernetes.io/arch and kubernetes.io/os in its nodeSelector and required node"
          + " affinity), else every platform the image offers.")
  @Size(max = MAX_PLATFORMS)
  private List<@Pattern(PLATFORM_PATTERN) String> platforms;

  @JsonPropertyDescription(
      "What an Enforce policy does when an image's facts cannot be read from its registry in"
          + " time: Allow (with a warning and an event) or Deny.")
  @Default("Allow")
  private RegistryErrorAction onRegistryError;

  @JsonPropertyDescription("Record the measured sizes as annotations at admission.")
  @Default("false")
  private Boolean annotate;

  public PolicyAction getAction() {
    return action;
  }

  public void setAction(PolicyAction action) {
    this.action = action;
  }

  public PolicyMatch getMatch() {
    return match;
  }

  public void setMatch(PolicyMatch match) {
    this.match = match;
  }

  public PolicyExclude getExclude() {
    return exclude;
  }

  public void setExclude(PolicyExclude exclude) {
    this.exclude = exclude;
  }

  public SizeLimits getLimits() {
    return limits;
  }

  public void setLimits(SizeLimits limits) {
    this.limits = limits;
  }

  public BaseImageRules getBaseImages() {
    return baseImages;
  }

  public void setBaseImages(BaseImageRules baseImages) {
    this.baseImages = baseImages;
  }

  public List<String> getPlatforms() {
    return platforms;
  }

  public void setPlatforms(List<String> platforms) {
    this.platforms = platforms;
  }

  public RegistryErrorAction getOnRegistryError() {
    return onRegistryError;
  }

  public void setOnRegistryError(RegistryErrorAction onRegistryError) {
    this.onRegistryError = onRegistryError;
  }

  public Boolean getAnnotate() {
    return annotate;
  }

  public void setAnnotate(Boolean annotate) {
    this.annotate = annotate;
  }
}
