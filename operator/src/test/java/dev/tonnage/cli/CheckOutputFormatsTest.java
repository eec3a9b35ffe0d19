package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.facts.FakeImageInspector;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * The CI formats of {@code tonnage check}, parsed back: each machine format puts one document on
 * stdout and nothing else, with a finding per image and policy and the exit code of the text.
 */
class CheckOutputFormatsTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String ML_API = "ghcr.io/acme/ml-api:1.4.2";
  private static final String TRAINER = "registry.example.com:5000/research/trainer:nightly";
  private static final String MISSING = "ghcr.io/acme/missing:1";

  @TempDir Path dir;

  private final FakeImageInspector registry = new FakeImageInspector();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path policy;

  @BeforeEach
  void images() throws IOException {
    for (String name : List.of("ml-api", "trainer-ambiguous-gzip")) {
      try (InputStream in = getClass().getResourceAsStream("/policy/facts/" + name + ".json")) {
        ImageFacts facts = JSON.readValue(in, ImageFacts.class);
        registry.answer(facts.reference().toString(), CompletableFuture.completedFuture(facts));
      }
    }
    policy =
        Files.writeString(
            dir.resolve("policies.yaml"),
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: small}
            spec:
              action: Enforce
              limits: {maxCompressedSize: 1Gi, maxUncompressedSize: 2Gi}
            ---
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: layers}
            spec:
              action: Warn
              limits: {maxLayers: 3}
            ---
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: audit}
            spec:
              action: Audit
              limits: {maxLayers: 1}
            """);
  }

  @Test
  void anUncertainEnforceVerdictIsNeverAPassAndExitsThree() throws IOException {
    Path enforce =
        Files.writeString(
            dir.resolve("disk.yaml"),
            "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                + "metadata: {name: disk}\nspec:\n  action: Enforce\n"
                + "  limits: {maxUncompressedSize: 2Gi}\n");
    int exit = run("--policy", enforce.toString(), TRAINER);
    assertThat(exit).isEqualTo(3);
    assertThat(out.toString())
        .contains("UNCERTAIN  ClusterImagePolicy disk (Enforce)")
        .contains("UNCERTAIN: 1 of 1 image(s) could not be decided")
        .doesNotContain("PASS");
  }

  @Test
  void sarifIsOneSarif210LogWithAResultPerViolationNamingItsRuleAndImage() throws IOException {
    int exit = run("-o", "sarif", "--policy", policy.toString(), ML_API, TRAINER, MISSING);

    assertThat(exit).isEqualTo(2);
    JsonNode log = JSON.readTree(out.toString());
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    assertThat(log.path("$schema").asText()).contains("sarif-2.1.0");
    JsonNode run = log.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("name").asText()).isEqualTo("tonnage");
    List<String> ruleIds = run.path("tool").path("driver").path("rules").findValuesAsText("id");
    assertThat(ruleIds).contains("MAX_COMPRESSED_SIZE", "MAX_LAYERS", "FACTS_UNAVAILABLE");
    Set<String> levels = new HashSet<>();
    for (JsonNode result : run.path("results")) {
      assertThat(ruleIds.get(result.path("ruleIndex").asInt()))
          .isEqualTo(result.path("ruleId").asText());
      assertThat(result.path("message").path("text").asText()).isNotBlank();
      assertThat(
              result.path("locations").get(0).path("logicalLocations").get(0).path("name").asText())
          .isIn(ML_API, TRAINER, MISSING);
      levels.add(result.path("level").asText());
    }
    assertThat(levels).containsExactlyInAnyOrder("error", "warning", "note");
    assertThat(run.path("results").findValuesAsText("ruleId"))
        .contains("MAX_COMPRESSED_SIZE", "MAX_UNCOMPRESSED_SIZE", "FACTS_UNAVAILABLE");
  }

  @Test
  void junitHasATestcasePerImageAndPolicyAndCountsWhatFailed() throws Exception {
    int exit = run("-o", "junit", "--policy", policy.toString(), ML_API, TRAINER);

    assertThat(exit).isEqualTo(1);
    Document xml =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
    Element root = xml.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("testsuites");
    NodeList cases = root.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(6);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      Element testcase = (Element) cases.item(i);
      names.add(testcase.getAttribute("classname") + " " + testcase.getAttribute("name"));
    }
    assertThat(names)
        .contains(
            ML_API + " ClusterImagePolicy small",
            TRAINER + " ClusterImagePolicy small",
            TRAINER + " ClusterImagePolicy audit");
    int failures = root.getElementsByTagName("failure").getLength();
    assertThat(failures).isPositive();
    assertThat(root.getAttribute("failures")).isEqualTo(Integer.toString(failures));
    assertThat(root.getAttribute("tests")).isEqualTo("6");
  }

  @Test
  void markdownIsASummaryAndATableWithARowPerImageAndPolicy() {
    int exit = run("-o", "markdown", "--policy", policy.toString(), ML_API, TRAINER);

    assertThat(exit).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("**FAIL: ");
    List<String> rows = lines.stream().filter(l -> l.startsWith("| ")).toList();
    assertThat(rows).hasSize(2 + 6);
    assertThat(rows.get(0)).isEqualTo("| Image | Policy | Action | Result | Details |");
    for (String row : rows) {
      // five cells: six unescaped pipes
      assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(6);
    }
    assertThat(out.toString())
        .contains("| `" + ML_API + "` | ClusterImagePolicy small | Enforce | FAIL |");
  }

  @Test
  void githubPrintsOnlyWorkflowCommandsOneAnnotationPerFinding() {
    registry.fail(
        MISSING,
        new NotFoundException("ghcr.io", "acme/missing", "manifest unknown\n::error::injected"));
    int exit = run("-o", "github", "--policy", policy.toString(), ML_API, MISSING);

    assertThat(exit).isEqualTo(2);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).allMatch(l -> l.matches("::(error|warning|notice) title=[^:]*::.*"));
    assertThat(lines).noneMatch(l -> l.startsWith("::error::injected"));
    assertThat(lines).anyMatch(l -> l.startsWith("::error title=" + "ghcr.io/acme/ml-api"));
    assertThat(lines.get(lines.size() - 1)).startsWith("::notice title=tonnage check::ERROR:");
  }

  @Test
  void escapingKeepsHostileTextInsideItsCell() {
    assertThat(GithubAnnotations.escapeData("50%\r\n::error::x"))
        .isEqualTo("50%25%0D%0A::error::x");
    assertThat(GithubAnnotations.escapeProperty("a:b,c")).isEqualTo("a%3Ab%2Cc");
    assertThat(MarkdownReport.cell("a|b\n<script>")).isEqualTo("a\\|b &lt;script&gt;");
    assertThat(JunitReport.clean("ok\u0000\u001b[31m")).isEqualTo("ok[31m");
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new CheckCommand(registry));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(err.toString()).as("stderr").isEmpty();
    return exit;
  }
}
