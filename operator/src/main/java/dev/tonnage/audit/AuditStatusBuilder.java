package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an audit outcome (or a spec error) into the next status. Pure: the time comes in, so equal
 * inputs give equal statuses.
 */
public final class AuditStatusBuilder {

  /** Most violations listed in a status; the summary counts all of them. */
  public static final int MAX_VIOLATIONS = 50;

  public static final String READY = "Ready";
  public static final String REASON_ACTIVE = "Active";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_REGISTRY_ERRORS = "RegistryErrors";

  private static final String KEPT_PREFIX = "generation ";
  private static final String KEPT_SUFFIX = " stays in force until the spec compiles again: ";

  private AuditStatusBuilder() {}

  /** The status after a finished audit. */
  public static AuditStatus audited(
      AuditOutcome outcome, long generation, AuditStatus previous, Instant now) {
    List<AuditViolation> sorted = new ArrayList<>(outcome.violations());
    sorted.sort(AuditViolation.BY_HOW_FAR_OVER);
    List<RecordedViolation> listed =
        sorted.subList(0, Math.min(MAX_VIOLATIONS, sorted.size())).stream()
            .map(AuditViolation::toStatus)
            .toList();
    List<String> errors = outcome.registryErrors();
    Condition ready;
    if (errors.isEmpty()) {
      // Uncertain verdicts (unresolved but measured) leave the audit complete: the violation
      // rows say which limits the bounds straddle.
      ready =
          ready(
              previous,
              generation,
              "True",
              REASON_ACTIVE,
              "audited "
                  + outcome.workloads()
                  + " workloads running "
                  + outcome.images()
                  + " images: "
                  + outcome.violations().size()
                  + " violations"
                  + (outcome.unresolved() == 0
                      ? ""
                      : ", " + outcome.unresolved() + " images with an uncertain verdict"),
              now);
    } else {
      ready =
          ready(
              previous,
              generation,
              "False",
              REASON_REGISTRY_ERRORS,
              errors.size()
                  + " of "
                  + outcome.images()
                  + " images could not be measured, so the audit is incomplete; first: "
                  + errors.get(0),
              now);
    }
    return new AuditStatus(
        generation,
        withReady(previous, ready),
        timestamp(now),
        new AuditStatus.Summary(
            outcome.workloads(),
            outcome.images(),
            outcome.violations().size(),
            outcome.unresolved(),
            outcome.excepted()),
        listed);
  }

  /**
   * The status of a spec the schema accepted but the evaluator cannot compile: no audit ran, so the
   * summary and violations of the previous spec are dropped; the last audit time is kept.
   */
  public static AuditStatus invalidSpec(
      String message, long generation, AuditStatus previous, Instant now) {
    Condition ready = ready(previous, generation, "False", REASON_INVALID_SPEC, message, now);
    return new AuditStatus(
        generation, withReady(previous, ready), previous.lastAuditTime(), null, List.of());
  }

  /**
   * The status of a spec edit that does not compile while generation {@code inForce} (the last that
   * compiled) stays in force: Ready=False with the problems and that generation; the findings of
   * the last audit are kept, as they describe the version in force.
   */
  public static AuditStatus invalidSpecKeeping(
      String problems, long inForce, long generation, AuditStatus previous, Instant now) {
    Condition ready =
        ready(
            previous,
            generation,
            "False",
            REASON_INVALID_SPEC,
            KEPT_PREFIX + inForce + KEPT_SUFFIX + problems,
            now);
    return new AuditStatus(
        generation,
        withReady(previous, ready),
        previous.lastAuditTime(),
        previous.summary(),
        previous.violations());
  }

  /**
   * The generation that a status written by {@link #invalidSpecKeeping} says stays in force, or
   * null: lets a new leader keep saying so.
   */
  static Long keptGeneration(AuditStatus status) {
    for (Condition c : status.conditions()) {
      String message = c.getMessage();
      if (!READY.equals(c.getType())
          || !REASON_INVALID_SPEC.equals(c.getReason())
          || message == null
          || !message.startsWith(KEPT_PREFIX)) {
        continue;
      }
      int end = KEPT_PREFIX.length();
      // At most 18 digits: always a valid long.
      while (end < message.length()
          && end - KEPT_PREFIX.length() < 18
          && Character.isDigit(message.charAt(end))) {
        end++;
      }
      if (end > KEPT_PREFIX.length() && message.startsWith(KEPT_SUFFIX, end)) {
        return Long.parseLong(message.substring(KEPT_PREFIX.length(), end));
      }
    }
    return null;
  }

  /**
   * The status after an unexpected failure: Ready=False with {@code reason}; the last audit's
   * findings stay, as they are still the latest known.
   */
  public static AuditStatus failed(
      String reason, String message, long generation, AuditStatus previous, Instant now) {
    Condition ready = ready(previous, generation, "False", reason, message, now);
    return new AuditStatus(
        previous.observedGeneration(),
        withReady(previous, ready),
        previous.lastAuditTime(),
        previous.summary(),
        previous.violations());
  }

  /** The Ready condition, keeping lastTransitionTime when its status did not change. */
  private static Condition ready(
      AuditStatus previous,
      long generation,
      String status,
      String reason,
      String message,
      Instant now) {
    String since = timestamp(now);
    for (Condition c : previous.conditions()) {
      if (READY.equals(c.getType())
          && status.equals(c.getStatus())
          && c.getLastTransitionTime() != null) {
        since = c.getLastTransitionTime();
      }
    }
    return new ConditionBuilder()
        .withType(READY)
        .withStatus(status)
        .withReason(reason)
        .withMessage(StatusLimits.fit(message, StatusLimits.MAX_MESSAGE_BYTES))
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  /** The previous conditions with Ready replaced: conditions owned by others are kept. */
  private static List<Condition> withReady(AuditStatus previous, Condition ready) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(ready);
    for (Condition c : previous.conditions()) {
      if (!READY.equals(c.getType())) {
        conditions.add(c);
      }
    }
    return conditions;
  }

  /** RFC 3339 in whole seconds, as Kubernetes writes its own timestamps. */
  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
