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
 */
public record ReviewDecision(
    List<String> denials,
    List<String> warnings,
    Map<String, String> annotations,
    List<AdmissionEvent> events,
    boolean excepted) {

  public static final ReviewDecision ALLOW =
      new ReviewDecision(List.of(), List.of(), Map.of(), List.of());

  /** A decision no exception took part in. */
  public ReviewDecision(
      List<String> denials,
      List<String> warnings,
      Map<String, String> annotations,
      List<AdmissionEvent> events) {
    this(denials, warnings, annotations, events, false);
  }

  public ReviewDecision {
    denials = List.copyOf(denials);
    warnings = List.copyOf(warnings);
    annotations = Map.copyOf(annotations);
    events = List.copyOf(events);
  }

  public boolean denied() {
    return !denials.isEmpty();
  }
}
