package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which workloads and images a policy applies to; every part must match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"namespaceSelector", "objectSelector", "images"})
@SchemaCustomizer(value = SchemaMergePatch.class, input = SchemaPatches.MATCH)
public class PolicyMatch {

  @JsonPropertyDescription(
      "Namespaces whose labels match (ClusterImagePolicy only; an ImagePolicy applies in its"
          + " own namespace). Absent or {}: every namespace.")
  private LabelSelector namespaceSelector;

  @JsonPropertyDescription(
      "Workloads (Pods and Pod templates' owners) whose labels match. Absent or {}: every"
          + " workload.")
  private LabelSelector objectSelector;

  @JsonPropertyDescription(
      "Glob patterns on the normalized image reference, e.g. ghcr.io/acme/** or"
          + " docker.io/library/nginx:*. '*' matches within one path segment, '**' across"
          + " segments; a lone '*' matches every image. Empty: every image.")
  @Size(max = ImagePolicySpec.MAX_PATTERNS)
  private List<@Size(min = 1, max = ImagePolicySpec.MAX_PATTERN_LENGTH) String> images;

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
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
