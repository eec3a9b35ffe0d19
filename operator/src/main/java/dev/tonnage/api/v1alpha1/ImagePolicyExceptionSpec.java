package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Which violations an exception waives, until when, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"policies", "rules", "match", "expiresAt", "reason"})
public class ImagePolicyExceptionSpec {

  /** Most policies or rules one exception names. */
  public static final int MAX_ENTRIES = 64;

  /** RFC 3339 date-time with seconds, e.g. 2027-03-31T00:00:00Z or ...T00:00:00+02:00. */
  public static final String EXPIRES_AT_PATTERN =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

  /** Most characters of spec.reason. */
  public static final int MAX_REASON_LENGTH = 1024;

  /** The rule names of spec.rules, as violations name them. */
  public static final String RULE_PATTERN =
      "^(maxCompressedSize|maxUncompressedSize|maxLayers|maxLayerSize|maxGrowth|baseImages)$";

  @JsonPropertyDescription(
      "The policies whose violations are waived, by kind and name. Empty or absent: every"
          + " policy.")
  @Size(max = MAX_ENTRIES)
  private List<ExceptionPolicyRef> policies;

  @JsonPropertyDescription(
      "The rules waived: maxCompressedSize, maxUncompressedSize, maxLayers, maxLayerSize,"
          + " maxGrowth, baseImages (allowed, denied and requireKnownBase). Empty or absent: every rule of"
          + " those policies.")
  @Size(max = MAX_ENTRIES)
  private List<@Pattern(RULE_PATTERN) String> rules;

  @JsonPropertyDescription(
      "Which workloads and images are waived; every part must match. Absent: every workload"
          + " and image.")
  private ExceptionMatch match;

  @JsonPropertyDescription(
      "When the exception stops applying (RFC 3339, e.g. 2027-03-31T00:00:00Z); checked at"
          + " every review and audit, no edit or restart needed. Absent: never expires.")
  @Pattern(EXPIRES_AT_PATTERN)
  private String expiresAt;

  @JsonPropertyDescription(
      "Why the exception was granted, e.g. a ticket; shown in Events and"
          + " in kubectl get. Required.")
  @Required
  @Size(min = 1, max = MAX_REASON_LENGTH)
  private String reason;

  public List<ExceptionPolicyRef> getPolicies() {
    return policies;
  }

  public void setPolicies(List<ExceptionPolicyRef> policies) {
    this.policies = policies;
  }

  public List<String> getRules() {
    return rules;
  }

  public void setRules(List<String> rules) {
    this.rules = rules;
  }

  public ExceptionMatch getMatch() {
    return match;
  }

  public void setMatch(ExceptionMatch match) {
    this.match = match;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
