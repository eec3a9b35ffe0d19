package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Which base images an image may be built from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"allowed", "denied", "requireKnownBase"})
public class BaseImageRules {

  @JsonPropertyDescription(
      "Globs of allowed base images, e.g. gcr.io/distroless/**. Empty: any base is allowed.")
  @Size(max = ImagePolicySpec.MAX_PATTERNS)
  private List<@Size(min = 1, max = ImagePolicySpec.MAX_PATTERN_LENGTH) String> allowed;

  @JsonPropertyDescription("Globs of denied base images; denial wins over allowed.")
  @Size(max = ImagePolicySpec.MAX_PATTERNS)
  private List<@Size(min = 1, max = ImagePolicySpec.MAX_PATTERN_LENGTH) String> denied;

  @JsonPropertyDescription(
      "Report a violation when the base image cannot be detected. When false, allowed and"
          + " denied are checked only for images whose base is known.")
  @Default("false")
  private Boolean requireKnownBase;

  public List<String> getAllowed() {
    return allowed;
  }

  public void setAllowed(List<String> allowed) {
    this.allowed = allowed;
  }

  public List<String> getDenied() {
    return denied;
  }

  public void setDenied(List<String> denied) {
    this.denied = denied;
  }

  public Boolean getRequireKnownBase() {
    return requireKnownBase;
  }

  public void setRequireKnownBase(Boolean requireKnownBase) {
    this.requireKnownBase = requireKnownBase;
  }
}
