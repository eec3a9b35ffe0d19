package dev.tonnage.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every matching policy's verdict on one workload, and the decision they add up to: all matching
 * policies apply and all must pass.
 *
 * @param verdicts one per policy that applies to the workload and covers at least one of its images
 * @param skipped policies that did not apply, and why
 */
public record Evaluation(List<PolicyVerdict> verdicts, List<SkippedPolicy> skipped) {

  /** Kubernetes shows admission messages best below this many bytes. */
  public static final int MAX_DENIAL_BYTES = 1024;

  public Evaluation {
    verdicts = List.copyOf(verdicts);
    skipped = List.copyOf(skipped);
  }

  /** Whether any verdict denies admission. */
  public boolean denied() {
    return verdicts.stream().anyMatch(PolicyVerdict::denies);
  }

  /**
   * Why admission is denied, in under {@value #MAX_DENIAL_BYTES} bytes of UTF-8: each denying
   * violation with the policy, the first with its remedy; empty when not denied.
   */
  public Optional<String> denialMessage() {
    return denied() ? Optional.of(DenialMessage.of(verdicts)) : Optional.empty();
  }

  /** The admission warnings of all verdicts, without repeats, each at most 120 characters. */
  public List<String> warnings() {
    Set<String> all = new LinkedHashSet<>();
    verdicts.forEach(v -> all.addAll(v.warnings()));
    return List.copyOf(all);
  }

  /** Every violation of every verdict. */
  public List<Violation> violations() {
    return verdicts.stream().flatMap(v -> v.violations().stream()).toList();
  }

  /** Every violation an exception waived, in verdict order. */
  public List<Waiver> waivers() {
    return verdicts.stream().flatMap(v -> v.waived().stream()).toList();
  }

  /** Whether a matching policy asks for the measured sizes to be recorded as annotations. */
  public boolean annotate() {
    return verdicts.stream().anyMatch(PolicyVerdict::annotate);
  }
}
