package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import java.util.List;

/**
 * What one policy decided about one workload.
 *
 * @param policy the policy
 * @param action what the policy does with a violation
 * @param onRegistryError what the policy does when facts are unavailable
 * @param annotate whether the policy asks for size annotations
 * @param checked the images the policy covers whose facts were checked
 * @param violations every violation, certain and uncertain
 * @param unavailable the covered images whose facts could not be had
 * @param warnings admission warnings (each at most 120 characters); none for Audit policies
 * @param waived the violations an exception waives; not in {@code violations}
 */
public record PolicyVerdict(
    PolicyRef policy,
    PolicyAction action,
    RegistryErrorAction onRegistryError,
    boolean annotate,
    List<CheckedImage> checked,
    List<Violation> violations,
    List<UnavailableFacts> unavailable,
    List<String> warnings,
    List<Waiver> waived) {

  public PolicyVerdict {
    waived = List.copyOf(waived);
    checked = List.copyOf(checked);
    violations = List.copyOf(violations);
    unavailable = List.copyOf(unavailable);
    warnings = List.copyOf(warnings);
  }

  /** The violations the measurements prove. */
  public List<Violation> certainViolations() {
    return violations.stream().filter(v -> !v.uncertain()).toList();
  }

  /** Whether every covered image was checked and broke no rule for certain or possibly. */
  public boolean passed() {
    return violations.isEmpty() && unavailable.isEmpty();
  }

  /**
   * Whether this verdict denies admission: an Enforce policy with a certain violation, or with
   * unavailable facts and onRegistryError Deny.
   */
  public boolean denies() {
    return action == PolicyAction.ENFORCE
        && (!certainViolations().isEmpty()
            || (!unavailable.isEmpty() && onRegistryError == RegistryErrorAction.DENY));
  }
}
