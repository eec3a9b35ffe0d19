package dev.tonnage.policy;

/**
 * A policy that did not apply to a workload, and why (selectors, exclusions, the opt-out label).
 * ImagePolicies of other namespaces are not listed.
 */
public record SkippedPolicy(PolicyRef policy, String reason) {}
