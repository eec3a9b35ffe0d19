package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.metrics.PromQl.Selector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardTest {
  private static final String DATASOURCE = "${datasource}";
  private static JsonNode dashboard;

  @BeforeAll
  static void read() throws IOException {
    ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    dashboard = strict.readTree(RepoFiles.chartFile("grafana-dashboard.json").toFile());
  }

  private static List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    dashboard.get("panels").forEach(panels::add);
    return panels;
  }

  private static List<JsonNode> queryPanels() {
    return panels().stream().filter(p -> !p.get("type").asText().equals("row")).toList();
  }

  private static List<String> expressions() {
    List<String> exprs = new ArrayList<>();
    queryPanels().forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    return exprs;
  }

  @Test
  void isAGrafanaDashboardWithAPrometheusDatasourceVariable() {
    assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
    assertThat(dashboard.get("uid").asText()).isEqualTo("tonnage-overview");
    assertThat(dashboard.get("templating").get("list"))
        .anySatisfy(
            variable -> {
              assertThat(variable.get("name").asText()).isEqualTo("datasource");
              assertThat(variable.get("type").asText()).isEqualTo("datasource");
              assertThat(variable.get("query").asText()).isEqualTo("prometheus");
            });
    assertThat(queryPanels())
        .isNotEmpty()
        .allSatisfy(
            panel -> {
              assertThat(panel.at("/datasource/uid").asText()).isEqualTo(DATASOURCE);
              assertThat(panel.get("targets")).isNotEmpty();
              panel
                  .get("targets")
                  .forEach(t -> assertThat(t.at("/datasource/uid").asText()).isEqualTo(DATASOURCE));
            });
  }

  @Test
  void everyQueryUsesOnlyMetricsTonnageExports() {
    Set<String> exported = PopulatedRegistry.sampleNames();
    List<String> metrics = new ArrayList<>();
    expressions().forEach(e -> PromQl.selectors(e).forEach(s -> metrics.add(s.metric())));
    Matcher labelValues =
        Pattern.compile("label_values\\((\\w+),").matcher(dashboard.get("templating").toString());
    while (labelValues.find()) {
      metrics.add(labelValues.group(1));
    }

    assertThat(metrics).isNotEmpty().allSatisfy(metric -> assertThat(exported).contains(metric));
  }

  @Test
  void everySelectorIsFilteredByTheJobVariable() {
    assertThat(expressions())
        .allSatisfy(
            expr ->
                assertThat(PromQl.selectors(expr))
                    .isNotEmpty()
                    .extracting(Selector::matchers)
                    .allSatisfy(m -> assertThat(m).contains("job=~\"$job\"")));
  }

  @Test
  void panelsCoverImagesPoliciesAdmissionRegistriesAndCaches() {
    String all = String.join("\n", expressions());

    assertThat(all)
        .contains("topk(15, max by (image, platform) (tonnage_image_compressed_size_bytes")
        .contains("tonnage_namespace_image_bytes")
        .contains("sum by (policy) (max by (policy, namespace) (tonnage_policy_violations")
        .contains("sum by (decision) (rate(tonnage_admission_reviews_total")
        .contains("histogram_quantile(0.5, sum by (le) (rate(tonnage_admission_duration_seconds")
        .contains("histogram_quantile(0.9, sum by (le) (rate(tonnage_admission_duration_seconds")
        .contains("histogram_quantile(0.99, sum by (le) (rate(tonnage_admission_duration_seconds")
        .contains("tonnage_registry_requests_total{job=~\"$job\", status!~\"2..\"}")
        .contains("tonnage_registry_ratelimit_remaining")
        .contains("cache_gets_total{job=~\"$job\", result=\"hit\"}");
  }

  @Test
  void panelsHaveUniqueIdsAndDoNotOverlapOnTheGrid() {
    List<JsonNode> panels = panels();
    assertThat(panels).extracting(p -> p.get("id").asInt()).doesNotHaveDuplicates();
    for (int a = 0; a < panels.size(); a++) {
      JsonNode first = panels.get(a).get("gridPos");
      assertThat(first.get("x").asInt() + first.get("w").asInt()).isLessThanOrEqualTo(24);
      for (int b = a + 1; b < panels.size(); b++) {
        JsonNode second = panels.get(b).get("gridPos");
        assertThat(overlap(first, second))
            .as("%s overlaps %s", panels.get(a).get("title"), panels.get(b).get("title"))
            .isFalse();
      }
    }
  }

  private static boolean overlap(JsonNode a, JsonNode b) {
    return a.get("x").asInt() < b.get("x").asInt() + b.get("w").asInt()
        && b.get("x").asInt() < a.get("x").asInt() + a.get("w").asInt()
        && a.get("y").asInt() < b.get("y").asInt() + b.get("h").asInt()
        && b.get("y").asInt() < a.get("y").asInt() + a.get("h").asInt();
  }
}
