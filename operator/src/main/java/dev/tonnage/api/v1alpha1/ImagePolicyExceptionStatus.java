package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Whether the operator honours an exception, and what it waived in the last audits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions", "matchedWorkloads"})
public class ImagePolicyExceptionStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready is True when the exception is honoured; False with reason Untrusted (its namespace"
          + " is not one the operator trusts), Invalid (spec does not compile), Expired or"
          + " TooMany (over the operator's cap of honoured exceptions).")
  private List<Condition> conditions;

  @JsonPropertyDescription(
      "Workloads whose violations the last audits waived by this exception, summed over"
          + " policies.")
  private Integer matchedWorkloads;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getMatchedWorkloads() {
    return matchedWorkloads;
  }

  public void setMatchedWorkloads(Integer matchedWorkloads) {
    this.matchedWorkloads = matchedWorkloads;
  }
}
