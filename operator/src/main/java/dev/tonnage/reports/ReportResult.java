package dev.tonnage.reports;

import dev.tonnage.audit.WorkloadRef;
import java.time.Instant;
import java.util.Map;

/**
 * One result of a report: one rule of one policy on one workload.
 *
 * @param policy the policy, e.g. {@code slim-images} or {@code team-a/small} for an ImagePolicy
 * @param policyKind ClusterImagePolicy or ImagePolicy
 * @param rule the rule as the policy spec names it, e.g. {@code maxCompressedSize}
 * @param result pass, fail, warn or skip
 * @param severity from the policy's action: high (Enforce), medium (Warn), low (Audit)
 * @param message what was found, capped
 * @param workload the workload the result is about
 * @param properties a few details (images), capped
 * @param timestamp when the audit judged it
 */
public record ReportResult(
    String policy,
    String policyKind,
    String rule,
    Outcome result,
    String severity,
    String message,
    WorkloadRef workload,
    Map<String, String> properties,
    Instant timestamp) {

  /** The result values of the report schema that Tonnage uses. */
  public enum Outcome {
    PASS,
    FAIL,
    WARN,
    SKIP;

    /** As the schema spells it. */
    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ReportResult {
    properties = Map.copyOf(properties);
  }
}
