package dev.tonnage.reports;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.audit.AuditResults.WorkloadFindings;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.Violation;
import dev.tonnage.reports.ReportResult.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One audit's findings as report results, by namespace: for every covered workload, one result per
 * rule the policy checks. A rule some image breaks is {@code fail} (Enforce and Audit policies) or
 * {@code warn} (Warn policies, and any verdict the measurement could not decide); a rule that could
 * not be checked because an image could not be measured is {@code skip}; else {@code pass}.
 */
final class ReportResults {

  /** Longest message in a result; violation messages name layers and commands. */
  static final int MAX_MESSAGE_LENGTH = 1_000;

  /** Violations of one rule in one workload that a message lists before "and N more". */
  static final int MAX_LISTED = 3;

  private ReportResults() {}

  static Map<String, List<ReportResult>> of(
      CompiledPolicy policy, List<WorkloadFindings> findings, Instant timestamp) {
    Map<String, List<ReportResult>> byNamespace = new TreeMap<>();
    Set<Rule> checked = new LinkedHashSet<>(policy.rules());
    // The audit sees no replaced image, so it never judges growth: no result, rather than a pass.
    checked.remove(Rule.MAX_GROWTH);
    for (WorkloadFindings workload : findings) {
      Map<Rule, List<Violation>> broken = new EnumMap<>(Rule.class);
      for (Violation v : workload.violations()) {
        broken.computeIfAbsent(v.rule(), r -> new ArrayList<>()).add(v);
      }
      Set<Rule> rules = new LinkedHashSet<>(checked);
      rules.addAll(broken.keySet());
      List<ReportResult> results =
          byNamespace.computeIfAbsent(workload.workload().namespace(), n -> new ArrayList<>());
      for (Rule rule : rules) {
        results.add(result(policy, workload, rule, broken.get(rule), timestamp));
      }
    }
    byNamespace.values().removeIf(List::isEmpty);
    return byNamespace;
  }

  private static ReportResult result(
      CompiledPolicy policy,
      WorkloadFindings workload,
      Rule rule,
      List<Violation> violations,
      Instant timestamp) {
    Outcome outcome;
    String message;
    Set<String> images = new LinkedHashSet<>();
    if (violations != null) {
      boolean decided = violations.stream().anyMatch(v -> !v.uncertain());
      outcome = decided && policy.action() != PolicyAction.WARN ? Outcome.FAIL : Outcome.WARN;
      violations.forEach(v -> images.add(v.image()));
      message = listed(violations.stream().map(Violation::message).toList());
    } else if (!workload.unavailable().isEmpty()) {
      outcome = Outcome.SKIP;
      workload.unavailable().forEach(u -> images.add(u.image()));
      message =
          listed(
              workload.unavailable().stream()
                  .map(u -> "could not measure " + u.image() + ": " + u.message())
                  .toList());
    } else {
      outcome = Outcome.PASS;
      message = "every image is within " + ruleName(rule);
    }
    Map<String, String> properties = new TreeMap<>();
    if (!images.isEmpty()) {
      properties.put("images", capped(String.join(",", images)));
    }
    PolicyRef ref = policy.ref();
    return new ReportResult(
        ref.namespace() == null ? ref.name() : ref.namespace() + "/" + ref.name(),
        ref.kind().kind(),
        ruleName(rule),
        outcome,
        severity(policy.action()),
        capped(message),
        workload.workload(),
        properties,
        timestamp);
  }

  /** The spec field a rule checks, as users write it: {@code maxCompressedSize}. */
  static String ruleName(Rule rule) {
    return switch (rule) {
      case MAX_COMPRESSED_SIZE -> "maxCompressedSize";
      case MAX_UNCOMPRESSED_SIZE -> "maxUncompressedSize";
      case MAX_LAYERS -> "maxLayers";
      case MAX_LAYER_SIZE -> "maxLayerSize";
      case MAX_GROWTH -> "maxGrowth";
      case BASE_IMAGE_DENIED -> "baseImages.denied";
      case BASE_IMAGE_NOT_ALLOWED -> "baseImages.allowed";
      case BASE_IMAGE_UNKNOWN -> "baseImages.requireKnownBase";
    };
  }

  static String severity(PolicyAction action) {
    return switch (action) {
      case ENFORCE -> "high";
      case WARN -> "medium";
      case AUDIT -> "low";
    };
  }

  private static String listed(List<String> messages) {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(messages));
    String shown = String.join("; ", distinct.subList(0, Math.min(MAX_LISTED, distinct.size())));
    int more = distinct.size() - MAX_LISTED;
    return more > 0 ? shown + "; and " + more + " more" : shown;
  }

  private static String capped(String text) {
    return text.length() <= MAX_MESSAGE_LENGTH
        ? text
        : text.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
  }
}
