package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.process.ProcessResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tonnage check -f}: Kubernetes manifests judged as the webhook would review them, against
 * fixture facts (no network).
 */
class CheckManifestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Enforce at most 500 MiB compressed: ml-api and web on amd64 break it, payments does not. */
  private static final String SMALL =
      """
      apiVersion: tonnage.dev/v1alpha1
      kind: ClusterImagePolicy
      metadata: {name: small}
      spec:
        action: Enforce
        limits: {maxCompressedSize: 500Mi}
      """;

  private static final String ML_API = "ghcr.io/acme/ml-api:1.4.2";
  private static final String PAYMENTS = "gcr.io/acme-prod/payments:v3.1.0";
  private static final String WEB = "docker.io/acme/web:2024.06";

  @TempDir Path dir;

  private final CheckCommandTest.FakeRegistry registry = new CheckCommandTest.FakeRegistry();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private InputStream stdin = InputStream.nullInputStream();

  @Test
  void judgesEveryContainerOfEveryWorkloadInAMultiDocumentFileNamingFileLineAndObject()
      throws IOException {
    Path policy = write("policy.yaml", SMALL);
    Path app =
        write(
            "app.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              template:
                spec:
                  initContainers: [{name: migrate, image: %s}]
                  containers: [{name: api, image: %s}]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: report}
            spec:
              schedule: "@daily"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers: [{name: report, image: %s}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: debug, namespace: shop}
            spec:
              containers: [{name: main, image: %s}]
              ephemeralContainers: [{name: shell, image: %s}]
            """
                .formatted(PAYMENTS, ML_API, PAYMENTS, PAYMENTS, ML_API));

    int exit = run("--policy", policy.toString(), "-f", app.toString(), "-o", "json");

    assertThat(exit).as(err.toString()).isEqualTo(1);
    JsonNode images = JSON.readTree(out.toString()).path("images");
    assertThat(images.findValuesAsText("image"))
        .containsExactly(PAYMENTS, ML_API, PAYMENTS, PAYMENTS, ML_API);
    assertThat(images.get(1).path("manifest"))
        .isEqualTo(
            JSON.readTree(
                """
                {"file": "%s", "document": 2, "line": 5, "kind": "Deployment",
                 "namespace": "shop", "name": "api", "container": "api"}
                """
                    .formatted(app)));
    assertThat(images.get(2).path("manifest").path("kind").asText()).isEqualTo("CronJob");
    assertThat(images.get(2).path("manifest").path("namespace").asText()).isEqualTo("default");
    assertThat(images.get(4).path("manifest").path("container").asText()).isEqualTo("shell");
    assertThat(images.get(4).path("verdicts").get(0).path("result").asText()).isEqualTo("fail");
    assertThat(images.get(0).path("verdicts").get(0).path("result").asText()).isEqualTo("pass");

    out.getBuffer().setLength(0);
    run("--policy", policy.toString(), "-f", app.toString());
    assertThat(out.toString())
        .contains(app + ":5 (document 2) Deployment shop/api container api\n" + ML_API + " (")
        .contains("FAIL       ClusterImagePolicy small (Enforce) on linux/amd64")
        .contains("FAIL: 2 of 5 image(s) violate an Enforce or Warn policy");
  }

  @Test
  void aListsItemsAreCheckedAndNamespaceDefaultsToTheNamespaceOption() throws IOException {
    Path list =
        write(
            "list.yaml",
            """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec: {template: {spec: {containers: [{name: db, image: %s}]}}}
            """
                .formatted(ML_API));

    int exit =
        run("--policy", write("p.yaml", SMALL).toString(), "-f", list.toString(), "-n", "data");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).contains(list + ":1 (document 1) StatefulSet data/db container db");
  }

  @Test
  void policiesAndExceptionsAmongTheManifestsCountAsTheWebhookWouldHaveThem() throws IOException {
    Path manifests =
        write(
            "all.yaml",
            SMALL
                + """
                ---
                apiVersion: tonnage.dev/v1alpha1
                kind: ImagePolicyException
                metadata: {name: ml-api-grace, namespace: tonnage-system}
                spec:
                  policies: [{kind: ClusterImagePolicy, name: small}]
                  match: {namespaces: [shop], images: ["ghcr.io/acme/ml-api:*"]}
                  reason: migrating to a slimmer base
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec: {template: {spec: {containers: [{name: api, image: %s}]}}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: lab}
                spec: {template: {spec: {containers: [{name: api, image: %s}]}}}
                """
                    .formatted(ML_API, ML_API));

    int exit = run("-f", manifests.toString());

    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("Deployment shop/api container api\n" + ML_API)
        .contains("exception tonnage-system/ml-api-grace (until no expiry) waives small")
        .contains("FAIL: 1 of 2 image(s) violate an Enforce or Warn policy");
  }

  @Test
  void anImagePolicyAppliesOnlyToObjectsOfItsNamespace() throws IOException {
    Path policy =
        write(
            "team.yaml",
            SMALL
                .replace("ClusterImagePolicy", "ImagePolicy")
                .replace("{name: small}", "{name: small, namespace: shop}"));
    Path app =
        write(
            "app.yaml",
            deployment("api", "shop", "", ML_API) + "---\n" + deployment("api", "lab", "", ML_API));

    int exit = run("--policy", policy.toString(), "-f", app.toString(), "-o", "json");

    assertThat(exit).isEqualTo(1);
    JsonNode images = JSON.readTree(out.toString()).path("images");
    assertThat(images.get(0).path("verdicts")).hasSize(1);
    assertThat(images.get(1).path("verdicts")).isEmpty();
    assertThat(images.get(1).path("skipped")).isEmpty();
  }

  @Test
  void namespaceLabelsComeFromTheOptionNamespaceFilesAndNamespaceObjects() throws IOException {
    Path policy =
        write(
            "prod.yaml",
            SMALL.replace(
                "limits:", "match: {namespaceSelector: {matchLabels: {env: prod}}}\n  limits:"));
    Path app = write("app.yaml", deployment("api", "shop", "", ML_API));
    String p = policy.toString();

    assertThat(run("--policy", p, "-f", app.toString())).isZero();
    assertThat(out.toString())
        .contains(
            "SKIP       ClusterImagePolicy small: spec.match.namespaceSelector does not match");

    assertThat(run("--policy", p, "-f", app.toString(), "--namespace-labels", "env=prod,team=a"))
        .isEqualTo(1);

    Path namespaces = write("ns.yaml", namespace("shop", "env: prod"));
    assertThat(run("--policy", p, "-f", app.toString(), "--namespaces", namespaces.toString()))
        .isEqualTo(1);

    Path withNamespace =
        write("with-ns.yaml", namespace("shop", "env: prod") + "---\n" + read(app));
    assertThat(run("--policy", p, "-f", withNamespace.toString())).isEqualTo(1);

    // A Namespace object describes its namespace: the option's labels are for the others.
    Path devNamespace = write("dev-ns.yaml", namespace("shop", "env: dev") + "---\n" + read(app));
    assertThat(run("--policy", p, "-f", devNamespace.toString(), "--namespace-labels", "env=prod"))
        .isZero();

    Path byName =
        write(
            "by-name.yaml",
            SMALL.replace(
                "limits:",
                "match: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}\n"
                    + "  limits:"));
    assertThat(run("--policy", byName.toString(), "-f", app.toString())).isEqualTo(1);
  }

  @Test
  void objectSelectorMatchesTheObjectsOwnLabels() throws IOException {
    Path policy =
        write(
            "selected.yaml",
            SMALL.replace(
                "limits:", "match: {objectSelector: {matchLabels: {tier: api}}}\n  limits:"));
    Path app =
        write(
            "app.yaml",
            deployment("api", "shop", "{tier: api}", ML_API)
                + "---\n"
                + deployment("batch", "shop", "{tier: batch}", ML_API));

    int exit = run("--policy", policy.toString(), "-f", app.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "SKIP       ClusterImagePolicy small: spec.match.objectSelector does not match the"
                + " labels of Deployment batch")
        .contains("FAIL: 1 of 2 image(s)");
  }

  @Test
  void platformsComeFromNodeSelectorAndAffinityAsTheWebhookDerivesThem() throws IOException {
    Path policy = write("p.yaml", SMALL);
    Path app =
        write(
            "app.yaml",
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: arm, namespace: edge}
            spec:
              template:
                spec:
                  nodeSelector: {kubernetes.io/arch: arm64}
                  containers: [{name: web, image: %s}]
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: amd, namespace: edge}
            spec:
              template:
                spec:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                          - matchExpressions:
                              - {key: kubernetes.io/arch, operator: In, values: [amd64]}
                  containers: [{name: web, image: %s}]
            """
                .formatted(WEB, WEB));

    int exit = run("--policy", policy.toString(), "-f", app.toString(), "-o", "json");

    assertThat(exit).isEqualTo(1);
    JsonNode images = JSON.readTree(out.toString()).path("images");
    JsonNode arm = images.get(0).path("verdicts").get(0);
    assertThat(arm.path("platforms").get(0).asText()).isEqualTo("linux/arm64");
    assertThat(arm.path("platforms")).hasSize(1);
    assertThat(arm.path("result").asText()).isEqualTo("pass");
    JsonNode amd = images.get(1).path("verdicts").get(0);
    assertThat(amd.path("platforms")).hasSize(1);
    assertThat(amd.path("platforms").get(0).asText()).isEqualTo("linux/amd64");
    assertThat(amd.path("result").asText()).isEqualTo("fail");
  }

  @Test
  void workloadsTheWebhookNeverBlocksAreSkippedAndNotMeasured() throws IOException {
    Path app =
        write(
            "app.yaml",
            deployment("dns", "kube-system", "", ML_API)
                + "---\n"
                + namespace("sandbox", "tonnage.dev/ignore: \"true\"")
                + "---\n"
                + deployment("toy", "sandbox", "", ML_API));

    int exit = run("--policy", write("p.yaml", SMALL).toString(), "-f", app.toString());

    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("SKIP       ClusterImagePolicy small: namespace kube-system is exempt")
        .contains(
            "SKIP       ClusterImagePolicy small: namespace sandbox is labelled"
                + " tonnage.dev/ignore");
    assertThat(registry.asked).isEmpty();
  }

  /**
   * The command docs/ci.md shows, run as written: {@code helm template} of the project's own chart
   * piped into {@code tonnage check -f -}. Paths in it are the checkout's.
   */
  @Test
  void theDocumentedHelmTemplatePipeChecksTheProjectsOwnChart() throws IOException {
    Path root = Checkout.root();
    String doc = Files.readString(root.resolve("docs/ci.md"));
    String marker = "<!-- doc-test: check-manifests -->\n```sh\n";
    int start = doc.indexOf(marker);
    assertThat(start).as("docs/ci.md has the check-manifests block").isNotNegative();
    String block =
        doc.substring(start + marker.length(), doc.indexOf("```", start + marker.length()));
    String[] stages = block.replace("\\\n", " ").trim().split("\\s+\\|\\s+");
    assertThat(stages).hasSize(2);
    List<String> helmArgs = inCheckout(root, stages[0]);
    List<String> checkArgs = inCheckout(root, stages[1]);
    assertThat(helmArgs.get(0)).isEqualTo("helm");
    assertThat(checkArgs.subList(0, 2)).containsExactly("tonnage", "check");
    ProcessResult rendered;
    try (Helm helm = Helm.fromEnvironment()) {
      rendered = helm.run(helmArgs.subList(1, helmArgs.size())).requireSuccess();
    }
    stdin = new ByteArrayInputStream(rendered.stdout().getBytes(StandardCharsets.UTF_8));

    int exit = run(checkArgs.subList(2, checkArgs.size()).toArray(String[]::new));

    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(out.toString())
        .startsWith(
            "::warning title=Deployment tonnage-system/tonnage container operator%3A"
                + " ghcr.io/acme/ml-api%3A1.4.2%3A MAX_COMPRESSED_SIZE::ClusterImagePolicy"
                + " warn-over-1gi (Warn) on linux/amd64: ")
        .contains("::notice title=tonnage check::FAIL: 1 of 1 image(s)");
  }

  /** The words of a documented command, with paths relative to the checkout made absolute. */
  private static List<String> inCheckout(Path root, String command) {
    return Arrays.stream(command.split("\\s+"))
        .map(
            word ->
                word.contains("/") && Files.exists(root.resolve(word))
                    ? root.resolve(word).toString()
                    : word)
        .toList();
  }

  @Test
  void ciFormatsPointAtTheManifestFileLineAndObject() throws IOException {
    Path policy = write("p.yaml", SMALL);
    Path app = write("app.yaml", "# leading comment\n" + deployment("api", "shop", "", ML_API));

    run("--policy", policy.toString(), "-f", app.toString(), "-o", "sarif");
    JsonNode location = JSON.readTree(out.toString()).at("/runs/0/results/0/locations/0");
    assertThat(location.at("/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo(app.toUri().toString());
    assertThat(location.at("/physicalLocation/region/startLine").asInt()).isEqualTo(2);
    assertThat(location.at("/logicalLocations/1/fullyQualifiedName").asText())
        .isEqualTo("Deployment shop/api container api");
    assertThat(JSON.readTree(out.toString()).at("/runs/0/results/0/message/text").asText())
        .startsWith("Deployment shop/api container api: ClusterImagePolicy small: ");

    out.getBuffer().setLength(0);
    run("--policy", policy.toString(), "-f", app.toString(), "-o", "junit");
    assertThat(out.toString())
        .contains(
            "<testcase classname=\"Deployment shop/api container api: "
                + ML_API
                + "\" name=\"Deployment shop/api container api: ClusterImagePolicy small\">");

    out.getBuffer().setLength(0);
    run("--policy", policy.toString(), "-f", app.toString(), "-o", "github");
    assertThat(out.toString())
        .startsWith(
            "::error file="
                + GithubAnnotations.escapeProperty(app.toString())
                + ",line=2,title=Deployment shop/api container api%3A ");

    out.getBuffer().setLength(0);
    run("--policy", policy.toString(), "-f", app.toString(), "-o", "markdown");
    assertThat(out.toString())
        .contains("| `" + ML_API + "` in Deployment shop/api container api (" + app + ":2) |");
  }

  @Test
  void sarifNamesARelativeManifestPathRelativelyAndStandardInputNotAsAFile() {
    assertThat(SarifReport.uri("deploy/my app.yaml")).isEqualTo("deploy/my%20app.yaml");
    assertThat(SarifReport.uri("/srv/app.yaml")).isEqualTo("file:///srv/app.yaml");
  }

  @Test
  void exitsTwoOnUsageErrorsAndUnreadableManifests() throws IOException {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("give IMAGE arguments, -f manifests, or both");

    Path app = write("app.yaml", deployment("api", "shop", "", ML_API));
    assertThat(run("-f", app.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no policy to check with: give --policy FILE|DIR");

    Path bad = write("bad.yaml", "\n" + deployment("api", "shop", "", "Not//A/Reference"));
    assertThat(run("--policy", write("p.yaml", SMALL).toString(), "-f", bad.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(bad + ":2: Deployment shop/api container api: invalid image reference");

    Path unreadable =
        write(
            "unreadable.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
                + "spec: {template: {spec: {containers: 7}}}\n");
    assertThat(run("--policy", write("p.yaml", SMALL).toString(), "-f", unreadable.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(unreadable + ":1: Deployment x: its pod spec cannot be read");

    assertThat(
            run("--policy", write("p.yaml", SMALL).toString(), "--namespace-labels", "a=b", ML_API))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--namespaces and --namespace-labels apply to -f");
    assertThat(registry.asked).isEmpty();
  }

  private static String deployment(String name, String namespace, String labels, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, namespace: %s%s}
        spec: {template: {spec: {containers: [{name: %s, image: "%s"}]}}}
        """
        .formatted(name, namespace, labels.isEmpty() ? "" : ", labels: " + labels, name, image);
  }

  private static String namespace(String name, String label) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels: {%s}
        """
        .formatted(name, label);
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    CommandLine cli = new CommandLine(new CheckCommand(registry, stdin));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
