package dev.tonnage.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.audit.AuditResults.WorkloadFindings;
import dev.tonnage.audit.WorkloadRef;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.Platform;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyReportContentTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00.250Z");

  @Test
  void everyCoveredWorkloadGetsOneResultPerRuleFromItsFindings() throws Exception {
    CompiledPolicy policy = policy(PolicyAction.ENFORCE);
    List<WorkloadFindings> findings =
        List.of(
            new WorkloadFindings(
                workload("team-a", "big"),
                List.of(violation(policy.ref(), "big", Rule.MAX_COMPRESSED_SIZE, false)),
                List.of()),
            new WorkloadFindings(workload("team-a", "small"), List.of(), List.of()),
            new WorkloadFindings(
                workload("team-b", "lost"),
                List.of(),
                List.of(
                    new UnavailableFacts(
                        "app",
                        "ghcr.io/acme/lost:1",
                        "NotFound",
                        "manifest unknown",
                        RegistryErrorAction.ALLOW))));

    Map<String, List<ReportResult>> results = ReportResults.of(policy, findings, T0);

    assertThat(results).containsOnlyKeys("team-a", "team-b");
    JsonNode teamA =
        json(
            PolicyReportWriter.report(
                ReportKind.POLICY_REPORT, "team-a", NamespaceResults.of(results.get("team-a"))));
    assertThat(teamA.path("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
    assertThat(teamA.path("kind").asText()).isEqualTo("PolicyReport");
    assertThat(teamA.path("metadata").path("name").asText()).isEqualTo("tonnage");
    assertThat(teamA.path("summary").toString())
        .isEqualTo("{\"pass\":3,\"fail\":1,\"warn\":0,\"error\":0,\"skip\":0}");
    JsonNode fail = teamA.path("results").get(0);
    assertThat(fail.path("policy").asText()).isEqualTo("slim");
    assertThat(fail.path("rule").asText()).isEqualTo("maxCompressedSize");
    assertThat(fail.path("result").asText()).isEqualTo("fail");
    assertThat(fail.path("severity").asText()).isEqualTo("high");
    assertThat(fail.path("source").asText()).isEqualTo("tonnage");
    assertThat(fail.path("message").asText()).isEqualTo("big is too big");
    assertThat(fail.path("timestamp").toString())
        .isEqualTo("{\"seconds\":1796551200,\"nanos\":250000000}");
    assertThat(fail.path("resources").get(0).toString())
        .isEqualTo(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"team-a\","
                + "\"name\":\"big\",\"uid\":\"uid-big\"}");
    assertThat(fail.path("properties").path("images").asText()).isEqualTo("ghcr.io/acme/big:1");
    assertThat(fail.path("properties").path("policyKind").asText()).isEqualTo("ClusterImagePolicy");
    // Rules checked and not broken pass: maxLayers for big, both rules for small.
    assertThat(teamA.path("results").findValuesAsText("result"))
        .containsExactly("fail", "pass", "pass", "pass");

    JsonNode teamB =
        json(
            PolicyReportWriter.report(
                ReportKind.POLICY_REPORT, "team-b", NamespaceResults.of(results.get("team-b"))));
    assertThat(teamB.path("results").findValuesAsText("result")).containsExactly("skip", "skip");
    assertThat(teamB.path("results").get(0).path("message").asText())
        .isEqualTo("could not measure ghcr.io/acme/lost:1: manifest unknown");
  }

  @Test
  void aWarnPolicyAndAnUndecidedVerdictWarnAndSeverityFollowsTheAction() {
    CompiledPolicy warn = policy(PolicyAction.WARN);
    CompiledPolicy audit = policy(PolicyAction.AUDIT);
    WorkloadFindings broken =
        new WorkloadFindings(
            workload("shop", "api"),
            List.of(violation(warn.ref(), "api", Rule.MAX_COMPRESSED_SIZE, false)),
            List.of());
    WorkloadFindings uncertain =
        new WorkloadFindings(
            workload("shop", "api"),
            List.of(violation(audit.ref(), "api", Rule.MAX_COMPRESSED_SIZE, true)),
            List.of());

    ReportResult warned = ReportResults.of(warn, List.of(broken), T0).get("shop").get(0);
    ReportResult undecided = ReportResults.of(audit, List.of(uncertain), T0).get("shop").get(0);

    assertThat(warned.result()).isEqualTo(ReportResult.Outcome.WARN);
    assertThat(warned.severity()).isEqualTo("medium");
    assertThat(undecided.result()).isEqualTo(ReportResult.Outcome.WARN);
    assertThat(undecided.severity()).isEqualTo("low");
  }

  @Test
  void aReportListsAtMostTheCapFailuresFirstAndSaysHowManyItLeftOut() throws Exception {
    CompiledPolicy policy = policy(PolicyAction.ENFORCE);
    List<WorkloadFindings> findings = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      findings.add(new WorkloadFindings(workload("big", "ok-" + i), List.of(), List.of()));
    }
    findings.add(
        new WorkloadFindings(
            workload("big", "zz-over"),
            List.of(violation(policy.ref(), "zz-over", Rule.MAX_LAYERS, false)),
            List.of()));

    NamespaceResults results =
        NamespaceResults.of(ReportResults.of(policy, findings, T0).get("big"));
    JsonNode report = json(PolicyReportWriter.report(ReportKind.OPEN_REPORT, "big", results));

    assertThat(report.path("apiVersion").asText()).isEqualTo("openreports.io/v1alpha1");
    assertThat(report.path("results")).hasSize(NamespaceResults.MAX_RESULTS);
    assertThat(report.path("results").get(0).path("result").asText()).isEqualTo("fail");
    assertThat(report.path("summary").path("pass").asInt()).isEqualTo(1401);
    assertThat(report.path("summary").path("fail").asInt()).isEqualTo(1);
    assertThat(
            report
                .path("metadata")
                .path("annotations")
                .path(PolicyReportWriter.OMITTED_ANNOTATION)
                .asText())
        .startsWith("402 results not listed: a report lists at most 1000");
  }

  @Test
  void maxGrowthHasNoResultBecauseTheAuditSeesNoReplacedImage() {
    ClusterImagePolicy growing = new ClusterImagePolicy();
    growing.getMetadata().setName("no-bloat");
    ImagePolicySpec spec = new ImagePolicySpec();
    SizeLimits limits = new SizeLimits();
    limits.setMaxGrowth("10%");
    limits.setMaxLayers(5);
    spec.setLimits(limits);
    growing.setSpec(spec);
    CompiledPolicy policy = CompiledPolicy.compile(growing);

    Map<String, List<ReportResult>> results =
        ReportResults.of(
            policy,
            List.of(new WorkloadFindings(workload("team-a", "web"), List.of(), List.of())),
            T0);

    assertThat(results.get("team-a")).extracting(ReportResult::rule).containsExactly("maxLayers");
  }

  private static CompiledPolicy policy(PolicyAction action) {
    ClusterImagePolicy policy = new ClusterImagePolicy();
    policy.getMetadata().setName("slim");
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.setAction(action);
    SizeLimits limits = new SizeLimits();
    limits.setMaxCompressedSize("1Mi");
    limits.setMaxLayers(5);
    spec.setLimits(limits);
    policy.setSpec(spec);
    return CompiledPolicy.compile(policy);
  }

  private static WorkloadRef workload(String namespace, String name) {
    return new WorkloadRef("apps/v1", "Deployment", namespace, name, "uid-" + name);
  }

  private static Violation violation(PolicyRef policy, String name, Rule rule, boolean uncertain) {
    return new Violation(
        policy,
        "app",
        "ghcr.io/acme/" + name + ":1",
        null,
        Platform.LINUX_AMD64,
        rule,
        "2 MiB",
        "1 MiB",
        name + " is too big",
        "slim it",
        uncertain);
  }

  private static JsonNode json(Object report) throws Exception {
    return new ObjectMapper().readTree(Serialization.asJson(report));
  }
}
