package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.RecordedViolation;
import dev.tonnage.events.EventReason;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.Platform;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditStatusBuilderTest {

  private static final PolicyRef POLICY = PolicyRef.cluster("slim-images");
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-26T10:10:00Z");

  @Test
  void violationsAreSortedByHowFarOverTheLimitWithBaseImageRulesLast() {
    AuditOutcome outcome =
        outcome(
            List.of(
                size("a", 1.2), baseImage("b"), size("c", 3.0), size("d", 1.01), size("e", 2.5)),
            0);
    AuditStatus status = AuditStatusBuilder.audited(outcome, 1, AuditStatus.EMPTY, T0);
    assertThat(status.violations())
        .extracting(RecordedViolation::getName)
        .containsExactly("c", "e", "a", "d", "b");
  }

  @Test
  void atMostFiftyViolationsAreListedWhileTheSummaryCountsAll() {
    List<AuditViolation> many = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add(size(String.format("w%03d", i), 1 + i / 100.0));
    }
    AuditStatus status = AuditStatusBuilder.audited(outcome(many, 0), 1, AuditStatus.EMPTY, T0);
    assertThat(status.violations()).hasSize(AuditStatusBuilder.MAX_VIOLATIONS);
    assertThat(status.violations().get(0).getName()).isEqualTo("w119");
    assertThat(status.summary()).isEqualTo(new AuditStatus.Summary(7, 9, 120, 0));
  }

  @Test
  void aCompleteAuditIsReadyActiveWithObservedGenerationAndAuditTime() {
    AuditStatus status =
        AuditStatusBuilder.audited(outcome(List.of(size("a", 2)), 0), 4, AuditStatus.EMPTY, T0);
    Condition ready = status.conditions().get(0);
    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Active");
    assertThat(ready.getMessage()).isEqualTo("audited 7 workloads running 9 images: 1 violations");
    assertThat(ready.getObservedGeneration()).isEqualTo(4L);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(status.observedGeneration()).isEqualTo(4L);
    assertThat(status.lastAuditTime()).isEqualTo("2026-11-26T10:00:00Z");
  }

  @Test
  void unmeasurableImagesMakeReadyFalseWithRegistryErrorsNamingTheFirst() {
    AuditStatus status =
        AuditStatusBuilder.audited(outcome(List.of(), 2), 1, AuditStatus.EMPTY, T0);
    Condition ready = status.conditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("RegistryErrors");
    assertThat(ready.getMessage())
        .startsWith("2 of 9 images could not be measured")
        .contains("ghcr.io/acme/gone:1: not found");
    assertThat(status.summary().unresolved()).isEqualTo(2);
  }

  @Test
  void uncertainVerdictsAloneAreUnresolvedButLeaveTheAuditActive() {
    AuditOutcome uncertain =
        new AuditOutcome(
            POLICY, 7, 9, List.of(size("a", 1.0)), 1, List.of(), 9, Duration.ofMillis(5));
    AuditStatus status = AuditStatusBuilder.audited(uncertain, 1, AuditStatus.EMPTY, T0);
    Condition ready = status.conditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Active");
    assertThat(ready.getMessage()).endsWith(", 1 images with an uncertain verdict");
    assertThat(status.summary().unresolved()).isEqualTo(1);
  }

  @Test
  void lastTransitionTimeIsKeptWhileReadyKeepsItsStatusAndMovesWhenItChanges() {
    AuditStatus first = AuditStatusBuilder.audited(outcome(List.of(), 0), 1, AuditStatus.EMPTY, T0);
    AuditStatus second = AuditStatusBuilder.audited(outcome(List.of(), 0), 1, first, T1);
    assertThat(second.conditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-11-26T10:00:00Z");
    assertThat(second.lastAuditTime()).isEqualTo("2026-11-26T10:10:00Z");

    AuditStatus broken = AuditStatusBuilder.audited(outcome(List.of(), 1), 1, second, T1);
    assertThat(broken.conditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-11-26T10:10:00Z");
  }

  @Test
  void anInvalidSpecIsReadyFalseInvalidSpecAndDropsTheOldSpecsFindings() {
    AuditStatus audited =
        AuditStatusBuilder.audited(outcome(List.of(size("a", 2)), 0), 1, AuditStatus.EMPTY, T0);
    AuditStatus invalid =
        AuditStatusBuilder.invalidSpec(
            "spec.match.images[0]: \"ghcr.io/[acme\" is not a valid glob: unclosed '['",
            2,
            audited,
            T1);
    Condition ready = invalid.conditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).startsWith("spec.match.images[0]");
    assertThat(invalid.observedGeneration()).isEqualTo(2L);
    assertThat(invalid.summary()).isNull();
    assertThat(invalid.violations()).isEmpty();
    assertThat(invalid.lastAuditTime()).isEqualTo(audited.lastAuditTime());
  }

  @Test
  void anInvalidEditOfACompiledPolicyNamesTheGenerationInForceAndKeepsItsFindings() {
    AuditStatus audited =
        AuditStatusBuilder.audited(outcome(List.of(size("a", 2)), 0), 3, AuditStatus.EMPTY, T0);
    AuditStatus invalid =
        AuditStatusBuilder.invalidSpecKeeping(
            "spec.limits.maxCompressedSize: \"lots\" is not a quantity", 3, 4, audited, T1);
    Condition ready = invalid.conditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getObservedGeneration()).isEqualTo(4L);
    assertThat(ready.getMessage())
        .isEqualTo(
            "generation 3 stays in force until the spec compiles again:"
                + " spec.limits.maxCompressedSize: \"lots\" is not a quantity");
    assertThat(invalid.observedGeneration()).isEqualTo(4L);
    assertThat(invalid.summary()).isEqualTo(audited.summary());
    assertThat(invalid.violations()).hasSize(1);
    assertThat(invalid.lastAuditTime()).isEqualTo(audited.lastAuditTime());
    assertThat(AuditStatusBuilder.keptGeneration(invalid)).isEqualTo(3L);
    assertThat(AuditStatusBuilder.keptGeneration(audited)).isNull();
  }

  @Test
  void conditionsOwnedByOthersAreKept() {
    Condition other =
        new ConditionBuilder()
            .withType("WebhookReady")
            .withStatus("True")
            .withReason("Serving")
            .withLastTransitionTime("2026-11-25T00:00:00Z")
            .build();
    AuditStatus previous = new AuditStatus(1L, List.of(other), null, null, List.of());
    AuditStatus status = AuditStatusBuilder.audited(outcome(List.of(), 0), 1, previous, T0);
    assertThat(status.conditions())
        .extracting(Condition::getType)
        .containsExactly("Ready", "WebhookReady");
  }

  @Test
  void equalAuditsGiveEqualStatuses() {
    List<AuditViolation> violations = List.of(size("a", 2), size("b", 2), baseImage("c"));
    List<AuditViolation> reversed = new ArrayList<>(violations);
    java.util.Collections.reverse(reversed);
    assertThat(json(AuditStatusBuilder.audited(outcome(violations, 0), 1, AuditStatus.EMPTY, T0)))
        .isEqualTo(
            json(AuditStatusBuilder.audited(outcome(reversed, 0), 1, AuditStatus.EMPTY, T0)));
  }

  private static AuditOutcome outcome(List<AuditViolation> violations, int unresolved) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < unresolved; i++) {
      errors.add("ghcr.io/acme/gone:" + (i + 1) + ": not found");
    }
    return new AuditOutcome(POLICY, 7, 9, violations, unresolved, errors, 9, Duration.ofMillis(5));
  }

  private static AuditViolation size(String workload, double ratio) {
    return violation(workload, "MAX_COMPRESSED_SIZE", ratio, EventReason.ImageTooLarge);
  }

  private static AuditViolation baseImage(String workload) {
    return violation(
        workload, "BASE_IMAGE_NOT_ALLOWED", Double.NaN, EventReason.BaseImageNotAllowed);
  }

  private static AuditViolation violation(
      String workload, String rule, double ratio, EventReason reason) {
    return new AuditViolation(
        new WorkloadRef("apps/v1", "Deployment", "shop", workload, null),
        new Violation(
            POLICY,
            "app",
            "ghcr.io/acme/" + workload + ":1",
            null,
            Platform.LINUX_AMD64,
            Rule.valueOf(rule),
            "actual",
            "limit",
            rule + " broken",
            "remedy",
            false),
        ratio,
        reason);
  }

  private static String json(AuditStatus status) {
    return Serialization.asJson(status.toResourceStatus());
  }
}
