package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A policy an exception waives, by kind and name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "name"})
public class ExceptionPolicyRef {

  @JsonPropertyDescription(
      "ClusterImagePolicy or ImagePolicy (an ImagePolicy of this name in any namespace the"
          + " exception matches).")
  @Required
  @Pattern("^(ClusterImagePolicy|ImagePolicy)$")
  private String kind;

  @JsonPropertyDescription("The policy's metadata.name.")
  @Required
  @Size(min = 1, max = 253)
  private String name;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
