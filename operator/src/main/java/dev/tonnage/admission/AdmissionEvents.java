package dev.tonnage.admission;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.events.EventReason;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import dev.tonnage.policy.Waiver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Events of one review: one per denying policy and reason, and one per cause of unavailable
 * facts, naming every policy that met that cause and what each did about it (docs/admission.md
 * "Events"). Audit-only policies record nothing at admission.
 */
final class AdmissionEvents {

  private AdmissionEvents() {}

  static List<AdmissionEvent> of(Evaluation evaluation) {
    List<AdmissionEvent> events = new ArrayList<>();
    Map<Cause, Map<String, Set<PolicyRef>>> unavailable = new LinkedHashMap<>();
    for (PolicyVerdict verdict : evaluation.verdicts()) {
      if (verdict.action() == PolicyAction.AUDIT) {
        continue;
      }
      waiverEvents(verdict, events);
      if (verdict.denies()) {
        Map<EventReason, List<Violation>> byReason = new LinkedHashMap<>();
        for (Violation v : verdict.certainViolations()) {
          byReason.computeIfAbsent(reasonOf(v), r -> new ArrayList<>()).add(v);
        }
        byReason.forEach(
            (reason, violations) ->
                events.add(
                    new AdmissionEvent(
                        reason, violationMessage(verdict.policy(), violations), verdict.policy())));
      }
      for (UnavailableFacts u : verdict.unavailable()) {
        unavailable
            .computeIfAbsent(
                new Cause(u.image(), u.reason(), u.message()), c -> new LinkedHashMap<>())
            .computeIfAbsent(outcome(verdict), o -> new LinkedHashSet<>())
            .add(verdict.policy());
      }
    }
    unavailable.forEach(
        (cause, byOutcome) ->
            events.add(
                new AdmissionEvent(
                    EventReason.ImageFactsUnavailable,
                    unavailableMessage(cause, byOutcome),
                    byOutcome.values().iterator().next().iterator().next())));
    return events;
  }

  /** One Event per exception that waived violations of {@code verdict}. */
  private static void waiverEvents(PolicyVerdict verdict, List<AdmissionEvent> events) {
    Map<CompiledException, List<Waiver>> byException = new LinkedHashMap<>();
    for (Waiver w : verdict.waived()) {
      byException.computeIfAbsent(w.exception(), e -> new ArrayList<>()).add(w);
    }
    byException.forEach(
        (exception, waivers) ->
            events.add(
                new AdmissionEvent(
                    EventReason.ImageExceptionApplied,
                    "ImagePolicyException "
                        + exception.displayName()
                        + " ("
                        + exception.expiresAt().map(at -> "until " + at).orElse("no expiry")
                        + ", reason: "
                        + exception.reason()
                        + ") waived "
                        + violationMessage(
                            verdict.policy(), waivers.stream().map(Waiver::violation).toList()),
                    verdict.policy())));
  }

  /** Why the facts of one image could not be had: one Event, whatever the number of policies. */
  private record Cause(String image, String reason, String message) {}

  /** What a policy did with unavailable facts, in words; onRegistryError only where it applies. */
  private static String outcome(PolicyVerdict verdict) {
    if (verdict.action() == PolicyAction.WARN) {
      return "admitted with a warning by %s (action: Warn)";
    }
    return verdict.onRegistryError() == RegistryErrorAction.DENY
        ? "denied by %s (onRegistryError: Deny)"
        : "admitted unchecked by %s (onRegistryError: Allow)";
  }

  private static String unavailableMessage(Cause cause, Map<String, Set<PolicyRef>> byOutcome) {
    List<String> outcomes = new ArrayList<>();
    byOutcome.forEach((outcome, policies) -> outcomes.add(outcome.formatted(names(policies))));
    return "facts of image "
        + cause.image()
        + " unavailable ("
        + cause.reason()
        + ": "
        + cause.message()
        + "); "
        + String.join("; ", outcomes);
  }

  private static String violationMessage(PolicyRef policy, List<Violation> violations) {
    String first = policy + ": " + violations.get(0).message();
    return violations.size() == 1 ? first : first + " (and " + (violations.size() - 1) + " more)";
  }

  private static String names(Set<PolicyRef> policies) {
    List<String> names = policies.stream().map(PolicyRef::toString).toList();
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1))
            + " and "
            + names.get(names.size() - 1);
  }

  private static EventReason reasonOf(Violation violation) {
    return switch (violation.rule()) {
      case BASE_IMAGE_DENIED, BASE_IMAGE_NOT_ALLOWED, BASE_IMAGE_UNKNOWN ->
          EventReason.BaseImageNotAllowed;
      default -> EventReason.ImageTooLarge;
    };
  }
}
