package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.events.EventReason;
import dev.tonnage.events.RecordingEventWriter;
import dev.tonnage.events.WarningEvent;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.Platform;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdmissionReviewerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AdmissionEvent TOO_LARGE =
      new AdmissionEvent(
          EventReason.ImageTooLarge,
          "ClusterImagePolicy slim: image registry.example/acme/web:1.0 is 812 MiB, over 500 MiB",
          PolicyRef.cluster("slim"));

  private final FakeAdmissionDecider decider = new FakeAdmissionDecider();
  private final RecordingEventWriter events = new RecordingEventWriter();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Map<String, Map<String, String>> namespaces = new HashMap<>();
  private FailurePolicy failurePolicy = FailurePolicy.IGNORE;
  private Duration budget = Duration.ofSeconds(8);

  private AdmissionReviewer reviewer() {
    NamespaceLabels labels = ns -> namespaces.getOrDefault(ns, Map.of());
    return new AdmissionReviewer(
        new AdmissionSettings(budget, failurePolicy, Clock.systemUTC()),
        decider,
        new AdmissionExemptions(Set.of("kube-system", "tonnage"), labels),
        labels,
        new AdmissionReviewer.Observers(events, new AdmissionMetrics(new TonnageMetrics(meters))));
  }

  private JsonNode review(AdmissionEndpoint endpoint, String body) throws Exception {
    AdmissionReviewer.HttpAnswer answer =
        reviewer().review(endpoint, body.getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private JsonNode validate(String fixture) throws Exception {
    return review(AdmissionEndpoint.VALIDATE, Fixtures.read(fixture));
  }

  private static String uidOf(String fixture) {
    return Fixtures.tree(fixture).at("/request/uid").asText();
  }

  @ParameterizedTest
  @CsvSource({
    "pod-create.json, POD, web, 'INIT:migrate=registry.example/acme/migrate:1.2,CONTAINER:app=registry.example/acme/web:1.0,CONTAINER:proxy=nginx:1.25'",
    "pod-create-generatename.json, POD, batch-, 'CONTAINER:work=registry.example/acme/batch:2'",
    "deployment-create.json, DEPLOYMENT, api, 'CONTAINER:api=registry.example/acme/api:3.4'",
    "replicaset-create.json, REPLICA_SET, cache, 'CONTAINER:redis=redis:7.2-alpine'",
    "statefulset-create.json, STATEFUL_SET, db, 'INIT:init-perms=busybox:1.36,CONTAINER:postgres=postgres:16'",
    "daemonset-create.json, DAEMON_SET, agent, 'CONTAINER:agent=ghcr.io/acme/agent@sha256:4d6c2a7b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c'",
    "job-create.json, JOB, report, 'CONTAINER:report=registry.example/acme/report:7'",
    "cronjob-create.json, CRON_JOB, nightly, 'CONTAINER:backup=registry.example/acme/backup:1'",
    "replicationcontroller-create.json, REPLICATION_CONTROLLER, legacy, 'CONTAINER:legacy=registry.example/acme/legacy:0.9'",
    "pod-ephemeralcontainers.json, POD, web, 'EPHEMERAL:debugger=busybox:1.36'",
  })
  void readsTheContainersOfEveryKindAsTheApiServerSendsIt(
      String fixture, WorkloadKind kind, String name, String containers) throws Exception {
    JsonNode answer = validate(fixture);

    assertThat(answer.at("/response/uid").asText()).isEqualTo(uidOf(fixture));
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(decider.subjects).hasSize(1);
    Workload workload = decider.subjects.get(0).workload();
    assertThat(workload.kind()).isEqualTo(kind);
    assertThat(workload.namespace()).isEqualTo("shop");
    assertThat(workload.name()).startsWith(name);
    assertThat(workload.containers())
        .extracting(c -> c.type() + ":" + c.name() + "=" + c.image())
        .containsExactly(containers.split(","));
  }

  @Test
  void readsSchedulingPullSecretsAndServiceAccountOfAPod() throws Exception {
    namespaces.put("shop", Map.of("env", "prod"));
    validate("pod-create.json");
    ReviewSubject subject = decider.subjects.get(0);
    PodTemplate template = subject.workload().template();
    assertThat(template.serviceAccountName()).isEqualTo("builder");
    assertThat(template.imagePullSecrets()).containsExactly("regcred");
    // nodeSelector arm64 and a required affinity on linux (the zone requirement is dropped).
    assertThat(template.platforms().admits(Platform.parse("linux/arm64"))).isTrue();
    assertThat(template.platforms().admits(Platform.parse("linux/amd64"))).isFalse();
    assertThat(template.platforms().admits(Platform.parse("windows/arm64"))).isFalse();
    assertThat(template.labels()).containsEntry("app", "web");
    assertThat(subject.namespaceLabels()).containsEntry("env", "prod");
    assertThat(subject.deadline())
        .isBetween(java.time.Instant.now().plusSeconds(7), java.time.Instant.now().plusSeconds(9));
  }

  @Test
  void defaultsTheServiceAccountAndReadsDaemonSetNodeSelector() throws Exception {
    validate("daemonset-create.json");
    PodTemplate template = decider.subjects.get(0).workload().template();
    assertThat(template.serviceAccountName()).isEqualTo("default");
    assertThat(template.platforms().admits(Platform.parse("linux/s390x"))).isTrue();
    assertThat(template.platforms().admits(Platform.parse("windows/amd64"))).isFalse();
  }

  @Test
  void deniesAnEnforceViolationWithCode403AndTheEvaluatorsMessage() throws Exception {
    decider.answering(
        new ReviewDecision(
            List.of("image registry.example/acme/api:3.4 (linux/amd64) is 812 MiB; limit 500 MiB"),
            List.of("base image not pinned"),
            Map.of(),
            List.of(TOO_LARGE)));
    JsonNode answer = validate("deployment-create.json");
    assertThat(answer.at("/response/allowed").asBoolean()).isFalse();
    assertThat(answer.at("/response/status/code").asInt()).isEqualTo(403);
    assertThat(answer.at("/response/status/reason").asText()).isEqualTo("Forbidden");
    assertThat(answer.at("/response/status/message").asText())
        .isEqualTo("image registry.example/acme/api:3.4 (linux/amd64) is 812 MiB; limit 500 MiB");
    assertThat(answer.at("/response/warnings/0").asText()).isEqualTo("base image not pinned");
    assertThat(counter("denied", "Deployment")).isEqualTo(1);
  }

  @Test
  void reportsEveryDenialWhenSeveralPoliciesDeny() throws Exception {
    decider.answering(
        new ReviewDecision(
            List.of("first policy says no", "second policy says no"),
            List.of(),
            Map.of(),
            List.of()));
    JsonNode answer = validate("pod-create.json");
    assertThat(answer.at("/response/status/message").asText())
        .isEqualTo("first policy says no\nsecond policy says no");
  }

  @Test
  void allowsAWarnViolationWithWarnings() throws Exception {
    decider.answering(
        new ReviewDecision(
            List.of(),
            List.of("nginx:1.25 is 67 MiB, over the 50 MiB warning"),
            Map.of(),
            List.of()));
    JsonNode answer = validate("pod-create.json");
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/status").isMissingNode()).isTrue();
    assertThat(answer.at("/response/warnings/0").asText())
        .isEqualTo("nginx:1.25 is 67 MiB, over the 50 MiB warning");
    assertThat(counter("warned", "Pod")).isEqualTo(1);
  }

  @Test
  void allowsAnAuditOnlyDecisionSilently() throws Exception {
    JsonNode answer = validate("pod-create.json");
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/warnings").isMissingNode()).isTrue();
    assertThat(counter("allowed", "Pod")).isEqualTo(1);
  }

  @Test
  void keepsWarningsShortAndFew() throws Exception {
    decider.answering(
        new ReviewDecision(
            List.of(), java.util.Collections.nCopies(30, "w".repeat(300)), Map.of(), List.of()));
    JsonNode warnings = validate("pod-create.json").at("/response/warnings");
    assertThat(warnings).hasSize(AdmissionReviewer.MAX_WARNINGS);
    warnings.forEach(w -> assertThat(w.asText().length()).isLessThanOrEqualTo(120));
  }

  @Test
  void recordsEventsOnTheAdmittedObjectNamingThePolicy() throws Exception {
    decider.answering(new ReviewDecision(List.of("no"), List.of(), Map.of(), List.of(TOO_LARGE)));
    validate("deployment-create.json");
    assertThat(events.events).hasSize(1);
    WarningEvent recorded = events.events.get(0);
    assertThat(recorded.involved())
        .isEqualTo(
            WarningEvent.reference(
                "apps/v1",
                "Deployment",
                "shop",
                "api",
                Fixtures.tree("deployment-create.json")
                    .at("/request/object/metadata/uid")
                    .asText()));
    assertThat(recorded.reason()).isEqualTo(TOO_LARGE.reason());
    assertThat(recorded.message()).isEqualTo(TOO_LARGE.message());
    assertThat(recorded.related().getKind()).isEqualTo("ClusterImagePolicy");
    assertThat(recorded.related().getName()).isEqualTo("slim");
    assertThat(recorded.action()).isEqualTo(WarningEvent.ADMIT);
  }

  @Test
  void answersADryRunAlikeButRecordsNoEvent() throws Exception {
    decider.answering(
        new ReviewDecision(List.of("too large"), List.of(), Map.of(), List.of(TOO_LARGE)));
    JsonNode dryRun = validate("deployment-create-dryrun.json");
    JsonNode real = validate("deployment-create.json");
    assertThat(dryRun.at("/response/status")).isEqualTo(real.at("/response/status"));
    assertThat(dryRun.at("/response/allowed").asBoolean()).isFalse();
    assertThat(events.events).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pod-update-labels.json", "deployment-update-replicas.json"})
  void skipsAnUpdateThatChangesNoImage(String fixture) throws Exception {
    decider.answering(new ReviewDecision(List.of("would deny"), List.of(), Map.of(), List.of()));
    JsonNode answer = validate(fixture);
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(decider.subjects).isEmpty();
    assertThat(counter("allowed", Fixtures.tree(fixture).at("/request/kind/kind").asText()))
        .isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pod-update-image.json",
        "deployment-update-image.json",
        "pod-ephemeralcontainers.json"
      })
  void checksAnUpdateThatChangesAnImage(String fixture) throws Exception {
    decider.answering(new ReviewDecision(List.of("denied"), List.of(), Map.of(), List.of()));
    assertThat(validate(fixture).at("/response/allowed").asBoolean()).isFalse();
    assertThat(decider.subjects).hasSize(1);
  }

  @Test
  void skipsMirrorPods() throws Exception {
    decider.answering(new ReviewDecision(List.of("would deny"), List.of(), Map.of(), List.of()));
    assertThat(validate("pod-create-mirror.json").at("/response/allowed").asBoolean()).isTrue();
    assertThat(decider.subjects).isEmpty();
  }

  @Test
  void skipsKindsItDoesNotCheck() throws Exception {
    JsonNode answer = validate("configmap-create.json");
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/uid").asText()).isEqualTo(uidOf("configmap-create.json"));
    assertThat(decider.subjects).isEmpty();
    assertThat(counter("allowed", "other")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kube-system", "tonnage"})
  void neverBlocksTheExemptNamespaces(String namespace) throws Exception {
    decider.answering(new ReviewDecision(List.of("would deny"), List.of(), Map.of(), List.of()));
    ObjectNode review = Fixtures.tree("pod-create.json");
    ((ObjectNode) review.get("request")).put("namespace", namespace);
    assertThat(
            review(AdmissionEndpoint.VALIDATE, review.toString())
                .at("/response/allowed")
                .asBoolean())
        .isTrue();
    assertThat(decider.subjects).isEmpty();
  }

  @Test
  void neverBlocksANamespaceLabelledIgnore() throws Exception {
    decider.answering(new ReviewDecision(List.of("would deny"), List.of(), Map.of(), List.of()));
    namespaces.put("shop", Map.of("tonnage.dev/ignore", "true"));
    assertThat(validate("pod-create.json").at("/response/allowed").asBoolean()).isTrue();
    assertThat(decider.subjects).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/request/object/metadata/labels",
        "/request/object/spec/template/metadata/labels"
      })
  void deniesAWorkloadLabelledIgnoreOnItselfOrItsTemplate(String labels) throws Exception {
    decider.answering(new ReviewDecision(List.of("would deny"), List.of(), Map.of(), List.of()));
    ObjectNode review = Fixtures.tree("deployment-create.json");
    ((ObjectNode) review.at(labels)).put("tonnage.dev/ignore", "true");
    assertThat(
            review(AdmissionEndpoint.VALIDATE, review.toString())
                .at("/response/allowed")
                .asBoolean())
        .isFalse();
    assertThat(decider.subjects).hasSize(1);
  }

  @Test
  void anIgnoreLabelOtherThanTrueDoesNotExempt() throws Exception {
    decider.answering(new ReviewDecision(List.of("deny"), List.of(), Map.of(), List.of()));
    ObjectNode review = Fixtures.tree("deployment-create.json");
    ((ObjectNode) review.at("/request/object/metadata/labels")).put("tonnage.dev/ignore", "false");
    assertThat(
            review(AdmissionEndpoint.VALIDATE, review.toString())
                .at("/response/allowed")
                .asBoolean())
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{not json | the body is not JSON",
        "[1,2] | not a JSON object",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"} | has no request",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"kind\":{\"kind\":\"Pod\"}}} | has no uid",
        "'' | the body is not",
      })
  void answersAMalformedBodyWith400AndAShortMessage(String body, String message) throws Exception {
    AdmissionReviewer.HttpAnswer answer =
        reviewer().review(AdmissionEndpoint.VALIDATE, body.getBytes(StandardCharsets.UTF_8)).get();
    assertThat(answer.status()).isEqualTo(400);
    JsonNode review = JSON.readTree(answer.body());
    assertThat(review.at("/kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.at("/response/allowed").asBoolean()).isFalse();
    assertThat(review.at("/response/status/code").asInt()).isEqualTo(400);
    assertThat(review.at("/response/status/message").asText())
        .contains(message)
        .doesNotContain("Exception");
    assertThat(meters.get("tonnage.admission.errors").tag("reason", "malformed").counter().count())
        .isEqualTo(1);
  }

  @Test
  void echoesTheUidOfAReviewItCannotUse() throws Exception {
    ObjectNode review = Fixtures.tree("pod-create.json");
    review.put("apiVersion", "admission.k8s.io/v2");
    AdmissionReviewer.HttpAnswer answer =
        reviewer()
            .review(AdmissionEndpoint.VALIDATE, review.toString().getBytes(StandardCharsets.UTF_8))
            .get();
    JsonNode json = JSON.readTree(answer.body());
    assertThat(json.at("/response/uid").asText()).isEqualTo(uidOf("pod-create.json"));
    assertThat(json.at("/response/status/message").asText())
        .contains("admission.k8s.io/v2", "admission.k8s.io/v1");
  }

  @Test
  void answersAnInternalErrorAsFailurePolicyIgnoreWouldWithAWarningAndACount() throws Exception {
    decider.answering(
        subject -> {
          throw new IllegalStateException("bug: secret token=abc");
        });
    JsonNode answer = validate("pod-create.json");
    assertThat(answer.at("/response/uid").asText()).isEqualTo(uidOf("pod-create.json"));
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/warnings/0").asText())
        .contains("not checked", "failurePolicy Ignore");
    assertThat(answer.toString())
        .doesNotContain("IllegalStateException")
        .doesNotContain("token=abc");
    assertThat(meters.get("tonnage.admission.errors").tag("reason", "internal").counter().count())
        .isEqualTo(1);
    assertThat(counter("error", "Pod")).isEqualTo(1);
  }

  @Test
  void answersAnInternalErrorAsFailurePolicyFailWouldWithCode500() throws Exception {
    failurePolicy = FailurePolicy.FAIL;
    decider.answering(subject -> CompletableFuture.failedFuture(new IllegalStateException("bug")));
    JsonNode answer = validate("pod-create.json");
    assertThat(answer.at("/response/allowed").asBoolean()).isFalse();
    assertThat(answer.at("/response/status/code").asInt()).isEqualTo(500);
    assertThat(answer.at("/response/status/message").asText())
        .contains(uidOf("pod-create.json"), "failurePolicy is Fail")
        .doesNotContain("IllegalStateException");
  }

  @Test
  void answersAStackOverflowErrorOfTheDeciderAsTheFailurePolicySays() throws Exception {
    decider.answering(
        subject -> {
          throw new StackOverflowError();
        });
    JsonNode ignored = validate("pod-create.json");
    assertThat(ignored.at("/response/uid").asText()).isEqualTo(uidOf("pod-create.json"));
    assertThat(ignored.at("/response/allowed").asBoolean()).isTrue();

    failurePolicy = FailurePolicy.FAIL;
    decider.answering(subject -> CompletableFuture.failedFuture(new OutOfMemoryError("test")));
    JsonNode failed = validate("pod-create.json");
    assertThat(failed.at("/response/allowed").asBoolean()).isFalse();
    assertThat(failed.at("/response/status/code").asInt()).isEqualTo(500);
    assertThat(failed.toString()).doesNotContain("OutOfMemoryError");
    assertThat(meters.get("tonnage.admission.errors").tag("reason", "internal").counter().count())
        .isEqualTo(2);
  }

  @Test
  void answersABodyNested100000LevelsDeepWith400NamingTheCap() throws Exception {
    String deep =
        "{\"kind\":\"AdmissionReview\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    AdmissionReviewer.HttpAnswer answer =
        reviewer().review(AdmissionEndpoint.VALIDATE, deep.getBytes(StandardCharsets.UTF_8)).get();
    assertThat(answer.status()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).at("/response/status/message").asText())
        .contains("nests deeper than " + AdmissionReviewCodec.MAX_NESTING_DEPTH + " levels");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "number | a number longer than 64 digits",
        "name | a field name longer than 16384 characters",
        "tokens | more than 200000 JSON tokens",
      })
  void answersABodyOverAParserLimitWith400NamingTheLimit(String what, String message)
      throws Exception {
    String body =
        switch (what) {
          case "number" -> "{\"n\":" + "9".repeat(65) + "}";
          case "name" -> "{\"" + "k".repeat(16 * 1024 + 1) + "\":1}";
          default -> "[" + "1,".repeat(200_001) + "1]";
        };
    AdmissionReviewer.HttpAnswer answer =
        reviewer().review(AdmissionEndpoint.VALIDATE, body.getBytes(StandardCharsets.UTF_8)).get();
    assertThat(answer.status()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).at("/response/status/message").asText())
        .contains(message);
  }

  @Test
  void answersADeciderThatOverrunsTheBudgetInTimeAndCountsIt() throws Exception {
    budget = Duration.ofMillis(200);
    failurePolicy = FailurePolicy.FAIL;
    decider.answering(subject -> new CompletableFuture<>());
    long started = System.nanoTime();
    JsonNode answer = validate("pod-create.json");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(answer.at("/response/status/code").asInt()).isEqualTo(500);
    assertThat(answer.at("/response/status/message").asText()).contains("timed out");
    assertThat(meters.get("tonnage.admission.errors").tag("reason", "timeout").counter().count())
        .isEqualTo(1);
  }

  @Test
  void theMutatingWebhookNeverDeniesEvenOnAnInternalError() throws Exception {
    failurePolicy = FailurePolicy.FAIL;
    decider.answering(
        subject -> {
          throw new IllegalStateException("bug");
        });
    JsonNode answer = review(AdmissionEndpoint.MUTATE, Fixtures.read("pod-create.json"));
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void theMutatingWebhookDoesNotDenyWhatTheValidatingOneWould() throws Exception {
    decider.answering(
        new ReviewDecision(List.of("too big"), List.of("w"), Map.of(), List.of(TOO_LARGE)));
    JsonNode answer = review(AdmissionEndpoint.MUTATE, Fixtures.read("pod-create.json"));
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/warnings").isMissingNode()).isTrue();
    assertThat(events.events).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "pod-create.json, ''",
    "pod-create-generatename.json, ''",
    "deployment-create.json, /spec/template",
    "cronjob-create.json, /spec/jobTemplate/spec/template",
    "replicaset-create.json, /spec/template",
    "statefulset-create.json, /spec/template",
  })
  void annotatesTheObjectAndItsPodTemplateIdempotently(String fixture, String template)
      throws Exception {
    Map<String, String> annotations =
        Map.of(
            "tonnage.dev/image-sizes", "[{\"container\":\"app\",\"compressed\":123}]",
            "tonnage.dev/violations", "[]");
    decider.answering(new ReviewDecision(List.of(), List.of(), annotations, List.of()));
    ObjectNode review = Fixtures.tree(fixture);
    JsonNode answer = review(AdmissionEndpoint.MUTATE, review.toString());
    assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch =
        JSON.readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, review.at("/request/object"));

    for (String metadata :
        template.isEmpty() ? List.of("/metadata") : List.of("/metadata", template + "/metadata")) {
      assertThat(patched.at(metadata + "/annotations/tonnage.dev~1image-sizes").asText())
          .isEqualTo("[{\"container\":\"app\",\"compressed\":123}]");
      assertThat(patched.at(metadata + "/annotations/tonnage.dev~1violations").asText())
          .isEqualTo("[]");
    }
    // Annotations that were there stay.
    JsonNode before = review.at("/request/object/metadata/annotations");
    before
        .fieldNames()
        .forEachRemaining(k -> assertThat(patched.at("/metadata/annotations").has(k)).isTrue());

    // Reinvoked on its own output, the webhook has nothing more to patch.
    ((ObjectNode) review.get("request")).set("object", patched);
    JsonNode again = review(AdmissionEndpoint.MUTATE, review.toString());
    assertThat(again.at("/response/allowed").asBoolean()).isTrue();
    assertThat(again.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void replacesAStaleAnnotationValue() throws Exception {
    ObjectNode review = Fixtures.tree("replicaset-create.json");
    ((ObjectNode) review.at("/request/object/metadata"))
        .putObject("annotations")
        .put("tonnage.dev/image-sizes", "old");
    decider.answering(
        new ReviewDecision(
            List.of(), List.of(), Map.of("tonnage.dev/image-sizes", "new"), List.of()));
    JsonNode answer = review(AdmissionEndpoint.MUTATE, review.toString());
    JsonNode patch =
        JSON.readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, review.at("/request/object"));
    assertThat(patched.at("/metadata/annotations/tonnage.dev~1image-sizes").asText())
        .isEqualTo("new");
    assertThat(patched.at("/spec/template/metadata/annotations/team").asText())
        .isEqualTo("storage");
    assertThat(patched.at("/spec/template/metadata/annotations/tonnage.dev~1image-sizes").asText())
        .isEqualTo("new");
  }

  @Test
  void doesNotAnnotateThroughTheEphemeralContainersSubresource() throws Exception {
    decider.answering(
        new ReviewDecision(
            List.of(), List.of(), Map.of("tonnage.dev/image-sizes", "x"), List.of()));
    JsonNode answer =
        review(AdmissionEndpoint.MUTATE, Fixtures.read("pod-ephemeralcontainers.json"));
    assertThat(answer.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void theAllowAllBaselineReadsTheReviewAndAllows() throws Exception {
    decider.answering(new ReviewDecision(List.of("no"), List.of(), Map.of(), List.of()));
    JsonNode answer = review(AdmissionEndpoint.ALLOW_ALL, Fixtures.read("pod-create.json"));
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/uid").asText()).isEqualTo(uidOf("pod-create.json"));
    assertThat(decider.subjects).isEmpty();
  }

  @Test
  void timesEveryAnsweredReview() throws Exception {
    validate("pod-create.json");
    review(AdmissionEndpoint.MUTATE, Fixtures.read("pod-create.json"));
    // Only the validating review is counted: the mutating one would count every object twice.
    assertThat(meters.get("tonnage.admission.duration").timer().count()).isEqualTo(1);
  }

  private double counter(String decision, String kind) {
    return meters
        .get("tonnage.admission.reviews")
        .tag("decision", decision)
        .tag("kind", kind)
        .counter()
        .count();
  }
}
