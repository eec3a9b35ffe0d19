package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a policy does with a workload that breaks it. */
public enum PolicyAction {
  /** Deny admission. */
  @JsonProperty("Enforce")
  ENFORCE,
  /** Admit, with an admission warning. */
  @JsonProperty("Warn")
  WARN,
  /** Admit silently; report in the policy status, events and metrics only. */
  @JsonProperty("Audit")
  AUDIT
}
