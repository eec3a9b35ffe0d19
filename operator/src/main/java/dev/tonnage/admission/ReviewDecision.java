package dev.tonnage.admission;

import java.util.List;
import java.util.Map;

/**
 * What the policies say about one admitted object. The validating webhook turns it into allow, warn
 * or deny; the mutating webhook into annotations.
 *
 * @param denials messages of the Enforce verdicts (and of Deny on registry errors); any denies
 * @param warnings messages of Warn verdicts and of Allow on registry errors
 * @param annotations annotations to set on the object and its pod template; empty when no matching
 *     policy asks for them
 * @param events Events to record when the request is not a dry run
 * @param excepted whether an ImagePolicyException waived at least one violation
 * @param policies the policies that denied, warned or admitted an image unchecked, for the log
 * @param unchecked whether an image was admitted without its facts (onRegistryError Allow)
 */
public record ReviewDecision(
    List<String> denials,
    List<String> warnings,
    Map<String, String> annotations,
    List<AdmissionEvent> events,
    boolean excepted,
    List<String> policies,
    boolean unchecked) {

  public static final ReviewDecision ALLOW =
      new ReviewDecision(List.of(), List.of(), Map.of(), List.of());

  public ReviewDecision {
    denials = List.copyOf(denials);
    warnings = List.copyOf(warnings);
    annotations = Map.copyOf(annotations);
    events = List.copyOf(events);
    policies = List.copyOf(policies);
  }

  /** A decision whose policies are not named (deciders other than the policy evaluator). */
  public ReviewDecision(
      List<String> denials,
      List<String> warnings,
      Map<String, String> annotations,
      List<AdmissionEvent> events) {
    this(denials, warnings, annotations, events, List.of(), false);
  }

  /** A decision no exception took part in. */
  public ReviewDecision(
      List<String> denials,
      List<String> warnings,
      Map<String, String> annotations,
      List<AdmissionEvent> events,
      List<String> policies,
      boolean unchecked) {
    this(denials, warnings, annotations, events, false, policies, unchecked);
  }

  public boolean denied() {
    return !denials.isEmpty();
  }
}
