package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which workloads and images an exception waives; every part must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"namespaces", "objectSelector", "images"})
public class ExceptionMatch {

  @JsonPropertyDescription("Namespaces of the waived workloads. Empty or absent: any namespace.")
  @Size(max = ImagePolicySpec.MAX_NAMESPACES)
  private List<@Size(min = 1, max = 63) String> namespaces;

  @JsonPropertyDescription(
      "Workloads (Pods and Pod templates' owners) whose labels match. Absent or {}: every"
          + " workload.")
  private LabelSelector objectSelector;

  @JsonPropertyDescription(
      "Glob patterns on the normalized image reference, as in policies' match.images, e.g."
          + " ghcr.io/acme/model-*. Empty or absent: every image.")
  @Size(max = ImagePolicySpec.MAX_PATTERNS)
  private List<@Size(min = 1, max = ImagePolicySpec.MAX_PATTERN_LENGTH) String> images;

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public LabelSelector getObjectSelector() {
    return objectSelector;
  }

  public void setObjectSelector(LabelSelector objectSelector) {
    this.objectSelector = objectSelector;
  }

  public List<String> getImages() {
    return images;
  }

  public void setImages(List<String> images) {
    this.images = images;
  }
}
