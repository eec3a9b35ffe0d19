package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Namespaces and images a policy never applies to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"namespaces", "images"})
public class PolicyExclude {

  @JsonPropertyDescription("Namespace names the policy skips, e.g. kube-system.")
  @Size(max = ImagePolicySpec.MAX_NAMESPACES)
  private List<@Size(min = 1, max = 63) String> namespaces;

  @JsonPropertyDescription("Image globs the policy skips, in the same form as match.images.")
  @Size(max = ImagePolicySpec.MAX_PATTERNS)
  private List<@Size(min = 1, max = ImagePolicySpec.MAX_PATTERN_LENGTH) String> images;

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public List<String> getImages() {
    return images;
  }

  public void setImages(List<String> images) {
    this.images = images;
  }
}
