package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.registry.ImageFacts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which violations an ImagePolicyException waives, until when, and what that does to decisions. */
class ExceptionMatcherTest {

  private static final String MODEL = "ghcr.io/acme/model-a:1";
  private static final ImageFacts MODEL_FACTS =
      Fixtures.image(MODEL, Fixtures.platform("linux/amd64", 600 * MIB, 10 * MIB));
  private static final CompiledPolicy SLIM =
      Fixtures.cluster("action: Enforce\nlimits: {maxCompressedSize: 500Mi, maxLayers: 1}");
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  private static List<CompiledException> exceptions(String spec) {
    return PolicyDocuments.parseExceptions(
        "e.yaml",
        "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicyException\n"
            + "metadata: {name: ml-q1, namespace: tonnage}\nspec:\n"
            + spec.indent(2));
  }

  private static Evaluation evaluate(
      CompiledPolicy policy, WorkloadContext context, String spec, Instant now) {
    ExceptionMatcher matcher =
        new ExceptionMatcher(exceptions(spec), Clock.fixed(now, ZoneOffset.UTC));
    return PolicyEvaluator.evaluate(List.of(policy), context, Fixtures.found(MODEL_FACTS), matcher);
  }

  private static WorkloadContext in(String namespace, Map<String, String> labels) {
    return Fixtures.workload(namespace, Map.of(), labels, PlatformConstraints.NONE, MODEL);
  }

  @Test
  void anExceptionForEveryRuleAdmitsWithAWarningNamingItAndItsExpiry() {
    Evaluation evaluation =
        evaluate(
            SLIM,
            in("ml", Map.of()),
            "expiresAt: \"2027-03-31T00:00:00Z\"\nreason: JIRA-1234",
            NOW);
    assertThat(evaluation.denied()).isFalse();
    assertThat(evaluation.violations()).isEmpty();
    assertThat(evaluation.waivers())
        .extracting(w -> w.violation().rule())
        .containsExactlyInAnyOrder(Rule.MAX_COMPRESSED_SIZE, Rule.MAX_LAYERS);
    assertThat(evaluation.warnings())
        .containsExactlyInAnyOrder(
            "exception tonnage/ml-q1 (until 2027-03-31T00:00:00Z) waives test maxCompressedSize:"
                + " ghcr.io/acme/model-a:1",
            "exception tonnage/ml-q1 (until 2027-03-31T00:00:00Z) waives test maxLayers:"
                + " ghcr.io/acme/model-a:1");
    assertThat(evaluation.verdicts().get(0).passed()).isTrue();
  }

  @Test
  void aViolationOfARuleTheExceptionDoesNotNameStillDenies() {
    Evaluation evaluation =
        evaluate(SLIM, in("ml", Map.of()), "rules: [maxLayers]\nreason: JIRA-1", NOW);
    assertThat(evaluation.denied()).isTrue();
    assertThat(evaluation.violations())
        .extracting(Violation::rule)
        .containsExactly(Rule.MAX_COMPRESSED_SIZE);
    assertThat(evaluation.waivers())
        .extracting(w -> w.violation().rule())
        .containsExactly(Rule.MAX_LAYERS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          every policy                       | reason: r                                                        | ml   | true
          the policy by kind and name        | 'policies: [{kind: ClusterImagePolicy, name: test}]\\nreason: r' | ml   | true
          another policy                     | 'policies: [{kind: ClusterImagePolicy, name: other}]\\nreason: r' | ml   | false
          an ImagePolicy of the same name    | 'policies: [{kind: ImagePolicy, name: test}]\\nreason: r'        | ml   | false
          its namespace                      | 'match: {namespaces: [ml]}\\nreason: r'                           | ml   | true
          another namespace                  | 'match: {namespaces: [ml]}\\nreason: r'                           | shop | false
          matching labels                    | 'match: {objectSelector: {matchLabels: {team: ml}}}\\nreason: r'  | ml   | true
          other labels                       | 'match: {objectSelector: {matchLabels: {team: web}}}\\nreason: r' | ml   | false
          a matching image glob              | 'match: {images: [ghcr.io/acme/model-*]}\\nreason: r'            | ml   | true
          another image glob                 | 'match: {images: [ghcr.io/acme/web-*]}\\nreason: r'              | ml   | false
          """)
  void waivesOnlyWhatEveryPartOfItsSpecCovers(
      String name, String spec, String namespace, boolean waived) {
    Evaluation evaluation =
        evaluate(SLIM, in(namespace, Map.of("team", "ml")), spec.replace("\\n", "\n"), NOW);
    assertThat(evaluation.denied()).isEqualTo(!waived);
    assertThat(evaluation.waivers().isEmpty()).isEqualTo(!waived);
  }

  @Test
  void stopsWaivingAtExpiresAtWithoutAnyEdit() {
    String spec = "expiresAt: \"2027-03-31T00:00:00Z\"\nreason: r";
    Instant expiry = Instant.parse("2027-03-31T00:00:00Z");
    assertThat(evaluate(SLIM, in("ml", Map.of()), spec, expiry.minusSeconds(1)).denied()).isFalse();
    assertThat(evaluate(SLIM, in("ml", Map.of()), spec, expiry).denied()).isTrue();
    assertThat(evaluate(SLIM, in("ml", Map.of()), spec, expiry.plusSeconds(86400)).denied())
        .isTrue();
  }

  @Test
  void oneMatcherFollowsItsClockFromOneCallToTheNext() {
    MutableClock clock = new MutableClock(NOW);
    ExceptionMatcher matcher =
        new ExceptionMatcher(exceptions("expiresAt: \"2026-12-01T00:01:00Z\"\nreason: r"), clock);
    Function<WorkloadContext, Boolean> denied =
        c ->
            PolicyEvaluator.evaluate(List.of(SLIM), c, Fixtures.found(MODEL_FACTS), matcher)
                .denied();
    assertThat(matcher.nextExpiry()).contains(Instant.parse("2026-12-01T00:01:00Z"));
    assertThat(denied.apply(in("ml", Map.of()))).isFalse();
    clock.now = NOW.plusSeconds(60);
    assertThat(denied.apply(in("ml", Map.of()))).isTrue();
    assertThat(matcher.nextExpiry()).isEmpty();
  }

  @Test
  void aWarnPolicyWarnsAboutTheWaiverInsteadOfTheViolationAndAnAuditPolicyIsSilent() {
    CompiledPolicy warn = Fixtures.cluster("action: Warn\nlimits: {maxLayers: 1}");
    Evaluation warned = evaluate(warn, in("ml", Map.of()), "reason: r", NOW);
    assertThat(warned.warnings())
        .containsExactly(
            "exception tonnage/ml-q1 (until no expiry) waives test maxLayers:"
                + " ghcr.io/acme/model-a:1");
    CompiledPolicy audit = Fixtures.cluster("action: Audit\nlimits: {maxLayers: 1}");
    Evaluation audited = evaluate(audit, in("ml", Map.of()), "reason: r", NOW);
    assertThat(audited.warnings()).isEmpty();
    assertThat(audited.waivers()).hasSize(1);
  }

  @Test
  void aBareImageIsCoveredOnlyByAnExceptionThatNamesNoNamespaceOrLabels() {
    WorkloadContext bare = WorkloadContext.forImage(MODEL, PlatformConstraints.NONE);
    assertThat(evaluate(SLIM, bare, "reason: r", NOW).denied()).isFalse();
    assertThat(evaluate(SLIM, bare, "match: {namespaces: [ml]}\nreason: r", NOW).denied()).isTrue();
    assertThat(
            evaluate(SLIM, bare, "match: {objectSelector: {matchLabels: {a: b}}}\nreason: r", NOW)
                .denied())
        .isTrue();
  }

  @Test
  void theWarningStaysWithin120CharactersAndKeepsTheExceptionAndExpiry() {
    String longName = "x".repeat(60);
    List<CompiledException> compiled =
        PolicyDocuments.parseExceptions(
            "e.yaml",
            "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicyException\n"
                + "metadata: {name: "
                + longName
                + ", namespace: tonnage}\nspec: {reason: r, expiresAt: \"2027-03-31T00:00:00Z\"}");
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(SLIM),
            in("ml", Map.of()),
            Fixtures.found(MODEL_FACTS),
            new ExceptionMatcher(compiled, Clock.fixed(NOW, ZoneOffset.UTC)));
    assertThat(evaluation.warnings())
        .allSatisfy(
            w -> {
              assertThat(w).hasSizeLessThanOrEqualTo(Violation.MAX_WARNING_LENGTH);
              assertThat(w).contains("tonnage/" + longName, "2027-03-31T00:00:00Z");
            });
  }

  @Test
  void refusesAnExceptionWithoutAReasonOrWithAnUnknownRuleOrAMalformedExpiry() {
    assertThatThrownBy(() -> exceptions("rules: [maxSize]\nexpiresAt: tomorrow"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("spec.reason: is required")
        .hasMessageContaining("spec.rules[0]: \"maxSize\" is not a rule")
        .hasMessageContaining("spec.expiresAt: \"tomorrow\" is not an RFC 3339 time");
  }

  @Test
  void refusesHugeListsWithOneProblemEach() {
    String rules = String.join(", ", java.util.Collections.nCopies(20_000, "maxLayers"));
    String images = String.join(", ", java.util.Collections.nCopies(10_000, "\"a*a*a*a*b\""));
    assertThatThrownBy(
            () ->
                exceptions(
                    "rules: ["
                        + rules
                        + "]\nmatch: {images: ["
                        + images
                        + "]}\nreason: \""
                        + "r".repeat(5000)
                        + "\""))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("spec.rules: has 20000 entries; at most 64 are allowed")
        .hasMessageContaining("spec.match.images: has 10000 entries; at most 64 are allowed")
        .hasMessageContaining("spec.reason: is 5000 characters long; at most 1024 are allowed");
  }

  @Test
  void honoursAtMostTheCapOfExceptionsInNamespaceAndNameOrder() {
    List<CompiledException> many = new ArrayList<>();
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < ExceptionMatcher.MAX_EXCEPTIONS + 100; i++) {
      yaml.append(
          String.format(
              "---%napiVersion: tonnage.dev/v1alpha1%nkind: ImagePolicyException%n"
                  + "metadata: {name: e%05d, namespace: tonnage}%n"
                  + "spec: {reason: r, match: {namespaces: [ns%05d]}}%n",
              i, i));
    }
    many.addAll(PolicyDocuments.parseExceptions("many.yaml", yaml.toString()));
    ExceptionMatcher matcher = new ExceptionMatcher(many, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(matcher.exceptions()).hasSize(ExceptionMatcher.MAX_EXCEPTIONS);
    assertThat(matcher.honours(many.get(0))).isTrue();
    assertThat(matcher.honours(many.get(many.size() - 1))).isFalse();
    Function<String, Boolean> denied =
        ns ->
            PolicyEvaluator.evaluate(
                    List.of(SLIM), in(ns, Map.of()), Fixtures.found(MODEL_FACTS), matcher)
                .denied();
    assertThat(denied.apply("ns00000")).isFalse();
    assertThat(denied.apply(String.format("ns%05d", ExceptionMatcher.MAX_EXCEPTIONS)))
        .as("beyond the cap")
        .isTrue();
  }

  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
