package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed of a policy: readiness, the last audit and its violations. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions", "lastAuditTime", "summary", "violations"})
@SchemaCustomizer(value = SchemaMergePatch.class, input = SchemaPatches.STATUS)
public class ImagePolicyStatus {

  static final String DESCRIPTION =
      "What the operator observed: whether the policy is in force (conditions) and what the last"
          + " audit of running workloads found. Written by the operator only.";

  /** Most violations kept in the status; the summary counts all of them. */
  public static final int MAX_VIOLATIONS = 50;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions, one per type. Ready is True when the policy compiled and is in force.")
  private List<Condition> conditions;

  @JsonPropertyDescription("When the last audit of running workloads finished (RFC 3339).")
  private String lastAuditTime;

  @JsonPropertyDescription("Counts from the last audit.")
  private AuditSummary summary;

  @JsonPropertyDescription("Violations found by the last audit, at most 50.")
  @Size(max = MAX_VIOLATIONS)
  private List<RecordedViolation> violations;

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

  public String getLastAuditTime() {
    return lastAuditTime;
  }

  public void setLastAuditTime(String lastAuditTime) {
    this.lastAuditTime = lastAuditTime;
  }

  public AuditSummary getSummary() {
    return summary;
  }

  public void setSummary(AuditSummary summary) {
    this.summary = summary;
  }

  public List<RecordedViolation> getViolations() {
    return violations;
  }

  public void setViolations(List<RecordedViolation> violations) {
    this.violations = violations;
  }
}
