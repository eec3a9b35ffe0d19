package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rule file's shape and coverage; AlertRulesIT has promtool check and evaluate it. */
class AlertRulesTest {
  private static final List<String> ALERTS =
      List.of(
          "TonnageWebhookErrors",
          "TonnageWebhookLatencyHigh",
          "TonnageRegistryUnavailable",
          "TonnageRegistryRateLimitLow",
          "TonnagePolicyViolations",
          "TonnageAuditStale");
  private static List<JsonNode> rules;
  private static JsonNode unitTests;

  @BeforeAll
  static void read() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    rules = new ArrayList<>();
    yaml.readTree(RepoFiles.chartFile("alert-rules.yaml").toFile())
        .get("groups")
        .forEach(group -> group.get("rules").forEach(rules::add));
    unitTests = yaml.readTree(RepoFiles.chartFile("alert-rules-test.yaml").toFile());
  }

  @Test
  void theRuleFileHoldsExactlyTheDocumentedAlerts() {
    assertThat(rules).extracting(r -> r.get("alert").asText()).containsExactlyElementsOf(ALERTS);
  }

  @Test
  void everyAlertHasASeverityAndSummaryDescriptionAndRunbookLinkingItsDocs() throws IOException {
    String docs = Files.readString(RepoFiles.doc("metrics.md"));
    assertThat(rules)
        .allSatisfy(
            rule -> {
              String name = rule.get("alert").asText();
              assertThat(rule.at("/labels/severity").asText()).isIn("info", "warning", "critical");
              assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
              assertThat(rule.at("/annotations/description").asText()).isNotBlank();
              assertThat(rule.at("/annotations/runbook").asText())
                  .contains("docs/metrics.md#" + name.toLowerCase(Locale.ROOT));
              assertThat(docs).contains("### " + name + "\n");
            });
  }

  @Test
  void everyExpressionUsesOnlyMetricsTonnageExports() {
    Set<String> exported = PopulatedRegistry.sampleNames();
    assertThat(rules)
        .allSatisfy(
            rule ->
                assertThat(PromQl.selectors(rule.get("expr").asText()))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(exported).contains(s.metric())));
  }

  @Test
  void everyAlertHasAUnitTestWhereItFiresAndOneWhereItStaysSilent() {
    List<JsonNode> cases = new ArrayList<>();
    unitTests.get("tests").forEach(t -> t.get("alert_rule_test").forEach(cases::add));

    assertThat(ALERTS)
        .allSatisfy(
            alert -> {
              List<JsonNode> ofAlert =
                  cases.stream().filter(c -> c.get("alertname").asText().equals(alert)).toList();
              assertThat(ofAlert).as("firing cases of %s", alert).anyMatch(c -> !silent(c));
              assertThat(ofAlert).as("silent cases of %s", alert).anyMatch(AlertRulesTest::silent);
            });
  }

  private static boolean silent(JsonNode alertCase) {
    JsonNode expected = alertCase.get("exp_alerts");
    return expected == null || expected.isEmpty();
  }
}
