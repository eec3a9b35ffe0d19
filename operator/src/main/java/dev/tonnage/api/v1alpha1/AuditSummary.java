package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Counts from one audit of the running workloads a policy matches. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"workloads", "images", "violations", "unresolved", "excepted"})
public class AuditSummary {

  @JsonPropertyDescription("Workloads the policy matched.")
  private Integer workloads;

  @JsonPropertyDescription("Distinct images checked.")
  private Integer images;

  @JsonPropertyDescription("Violations found (all of them, also those not listed).")
  private Integer violations;

  @JsonPropertyDescription("Images whose facts could not be read, or whose verdict is uncertain.")
  private Integer unresolved;

  @JsonPropertyDescription(
      "Workloads with a violation waived by an ImagePolicyException (not counted as violations).")
  private Integer excepted;

  public Integer getExcepted() {
    return excepted;
  }

  public void setExcepted(Integer excepted) {
    this.excepted = excepted;
  }

  public Integer getWorkloads() {
    return workloads;
  }

  public void setWorkloads(Integer workloads) {
    this.workloads = workloads;
  }

  public Integer getImages() {
    return images;
  }

  public void setImages(Integer images) {
    this.images = images;
  }

  public Integer getViolations() {
    return violations;
  }

  public void setViolations(Integer violations) {
    this.violations = violations;
  }

  public Integer getUnresolved() {
    return unresolved;
  }

  public void setUnresolved(Integer unresolved) {
    this.unresolved = unresolved;
  }
}
