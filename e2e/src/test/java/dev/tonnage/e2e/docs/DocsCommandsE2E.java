package dev.tonnage.e2e.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.e2e.EnforcedPolicies;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Docs as tests: runs the shell blocks of docs/installation.md and README.md marked {@code <!--
 * doc-test: NAME -->}, as a user would copy them, against a real kube-apiserver and registry, in a
 * checkout of the repository, with {@code ~/.kube/config} the test cluster's. Only the ports and
 * the registry host are replaced (the test's are free loopback ports). Commands that need nodes (a
 * kubelet pulling the image: {@code rollout status}) are not marked.
 */
class DocsCommandsE2E {

  private static final String NAMESPACE = "tonnage";
  private static final String DOC_WEBHOOK_URL = "https://127.0.0.1:8443";
  private static final String DOC_IMAGE = "registry.example.com/platform/tonnage";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private KubeApiServer kube;
  private RegistryServer registry;
  private ScratchDirectory home;
  private DocCommands installation;
  private DocCommands readme;

  @BeforeEach
  void start() throws Exception {
    kube = keep(KubeApiServer.start());
    registry = keep(RegistryServer.start(RegistryMode.PLAIN));
    home = keep(ScratchDirectory.create("docs-home"));
    // ~/.kube/config, as the documents say: the test cluster's, as its admin.
    Path kubeDir = Files.createDirectories(home.path().resolve(".kube"));
    Files.copy(kube.kubeconfig(), kubeDir.resolve("config"));
    installation = DocCommands.read(root().resolve("docs/installation.md"));
    readme = DocCommands.read(root().resolve("README.md"));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void outOfClusterInstallExamplesUpgradeUninstallAndReinstallWorkAsDocumentedWhileTheOperatorRuns()
      throws Exception {
    int webhookPort = FreePorts.pick();
    int metricsPort = FreePorts.pick();
    Map<String, String> ports =
        Map.of(
            DOC_WEBHOOK_URL,
            "https://127.0.0.1:" + webhookPort,
            "--webhook-port 8443",
            "--webhook-port " + webhookPort,
            "--metrics-port 8080",
            "--metrics-port " + metricsPort);
    Map<String, String> url = Map.of(DOC_WEBHOOK_URL, "https://127.0.0.1:" + webhookPort);
    String bigImage = pushBigImage();

    run(installation.block("out-of-cluster-install", url));
    try (ManagedProcess operator =
        startOperator(installation.block("out-of-cluster-operator", ports))) {
      awaitReady(operator, metricsPort);
      String caBundle = awaitCaBundle("tonnage-validating");
      assertThat(caBundleOf("mutatingwebhookconfiguration", "tonnage-mutating"))
          .isEqualTo(caBundle);
      assertThat(metric(metricsPort, "tonnage_webhook_ca_bundle_in_sync"))
          .contains("configuration=\"tonnage-validating\"} 1.0")
          .contains("configuration=\"tonnage-mutating\"} 1.0");

      run(installation.block("examples"));
      assertThat(kube.kubectl("get", "imagepolicy", "-n", "team-payments", "-o", "name").stdout())
          .contains("payments-images");
      assertDenied(bigImage, "apps");

      // helm upgrade with --reuse-values, then with a changed value: no conflict with the
      // operator, which owns only caBundle, and the caBundle survives both.
      run(installation.block("upgrade"));
      assertThat(
              kube.kubectl(
                      "get",
                      "validatingwebhookconfiguration",
                      "tonnage-validating",
                      "-o",
                      "jsonpath={.webhooks[0].failurePolicy}")
                  .stdout())
          .isEqualTo("Fail");
      assertThat(caBundleOf("validatingwebhookconfiguration", "tonnage-validating"))
          .isEqualTo(caBundle);

      // Uninstall and reinstall while the operator runs: the new configurations come without a
      // caBundle, and the operator puts it back within seconds.
      run(installation.block("uninstall"));
      run(installation.block("out-of-cluster-install", url));
      assertThat(awaitCaBundle("tonnage-validating")).isEqualTo(caBundle);
      Awaitility.await("tonnage-mutating's caBundle after the reinstall")
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  caBundle.equals(caBundleOf("mutatingwebhookconfiguration", "tonnage-mutating")));
      awaitReady(operator, metricsPort);
      assertDenied(bigImage, "apps-again");

      assertThat(operator.logs())
          .as("a first install generates its certificate quietly; no fabric8 version noise")
          .contains("generated the webhook CA and serving certificate")
          .doesNotContain("does not hold a usable CA")
          .doesNotContain("unstable version");
    }
  }

  @Test
  void readmeBuildsPushesAndInstallsTheImageItNames() throws Exception {
    String pushed = registry.hostPort() + "/platform/tonnage";
    Map<String, String> image = Map.of(DOC_IMAGE, pushed);

    ProcessResult result =
        run(
            readme.block("readme-install", image),
            Map.of("TONNAGE_INSECURE_REGISTRY", "1"),
            Duration.ofMinutes(15));

    assertThat(result.stderr()).contains("[image]");
    assertThat(
            kube.kubectl(
                    "get",
                    "deployment",
                    "tonnage",
                    "-n",
                    NAMESPACE,
                    "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}")
                .requireSuccess()
                .stdout())
        .isEqualTo(pushed + ":0.1.0");
    HttpResponse<Void> manifest =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(registry.baseUrl() + "/v2/platform/tonnage/manifests/0.1.0"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(manifest.statusCode())
        .as("the image the chart names is in the registry")
        .isEqualTo(200);

    // installation.md's install block names the same image; the chart refuses to render without.
    run(installation.block("uninstall"));
    run(installation.block("install", image));
    ProcessResult withoutImage =
        shell("helm template tonnage ./helm/tonnage -n tonnage", Map.of(), Duration.ofMinutes(2));
    assertThat(withoutImage.exitCode()).isNotZero();
    assertThat(withoutImage.stderr()).contains("image.repository is not set");
  }

  private void assertDenied(String image, String namespace) {
    EnforcedPolicies.atMostOneMebibyte(kube);
    kube.kubectl("create", "namespace", namespace).requireSuccess();
    ProcessResult denied =
        kube.kubectlWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: big, namespace: %s}
            spec:
              selector: {matchLabels: {app: big}}
              template:
                metadata: {labels: {app: big}}
                spec:
                  containers: [{name: app, image: %s}]
            """
                .formatted(namespace, image),
            "apply",
            "-f",
            "-");
    assertThat(denied.exitCode()).as(denied.stdout()).isNotZero();
    assertThat(denied.stderr())
        .contains("admission webhook \"validate.tonnage.dev\" denied the request")
        .contains("at-most-1mi");
  }

  private String pushBigImage() {
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      // Random bytes do not compress: a 3 MiB layer weighs about 3 MiB in the registry.
      return images
          .push(
              "apps/big:1.0",
              ImageSpec.builder()
                  .layer(
                      LayerSpec.gzip(
                          TarArchive.builder().randomFile("blob.bin", 3 << 20, 7).build()),
                      "COPY blob.bin /")
                  .build())
          .reference();
    }
  }

  private String awaitCaBundle(String validating) {
    Awaitility.await("the operator's CA in " + validating)
        .atMost(Duration.ofSeconds(15))
        .until(() -> !caBundleOf("validatingwebhookconfiguration", validating).isBlank());
    return caBundleOf("validatingwebhookconfiguration", validating);
  }

  private String caBundleOf(String kind, String name) {
    return kube.kubectl(
            "get",
            kind,
            name,
            "--ignore-not-found",
            "-o",
            "jsonpath={.webhooks[*].clientConfig.caBundle}")
        .stdout()
        .strip();
  }

  private ProcessResult run(String script) {
    return run(script, Map.of(), Duration.ofMinutes(3));
  }

  private ProcessResult run(String script, Map<String, String> env, Duration timeout) {
    ProcessResult result = shell(script, env, timeout);
    assertThat(result.exitCode())
        .as("documented commands failed:%n%s%n%s%s", script, result.stdout(), result.stderr())
        .isZero();
    return result;
  }

  /** bash in the repository root, with the test's home and the provisioned helm and kubectl. */
  private ProcessResult shell(String script, Map<String, String> env, Duration timeout) {
    Command command =
        Command.of(Path.of("/bin/bash"), List.of("-euo", "pipefail", "-c", script))
            .withWorkingDirectory(root())
            .withEnvironment("HOME", home.path().toString())
            .withEnvironment("PATH", path())
            .withTimeout(timeout);
    for (Map.Entry<String, String> variable : env.entrySet()) {
      command = command.withEnvironment(variable.getKey(), variable.getValue());
    }
    return command.run();
  }

  private ManagedProcess startOperator(String script) {
    return keep(
        ManagedProcess.builder("tonnage operator (docs/installation.md)", Path.of("/bin/bash"))
            // One command in the block: exec it, so that stopping the process stops the operator.
            .args("-c", "exec " + script.strip())
            .workingDirectory(root())
            .environment("HOME", home.path().toString())
            .environment("PATH", path())
            // The test's registry speaks plain HTTP on loopback: the one setting the documented
            // command leaves to the environment (TONNAGE_INSECURE_REGISTRIES is
            // --insecure-registry).
            .environment("TONNAGE_INSECURE_REGISTRIES", registry.hostPort())
            .logFile(home.path().resolve("operator.log"))
            .stopGracePeriod(Duration.ofSeconds(10))
            .start());
  }

  private static void awaitReady(ManagedProcess operator, int metricsPort) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    operator.awaitReady(
        Duration.ofSeconds(60),
        () ->
            http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200);
  }

  private static String metric(int metricsPort, String name) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines().filter(l -> l.startsWith(name)).reduce("", (a, b) -> a + b + "\n");
  }

  /** helm and kubectl as provisioned, java of this JVM, then the system's tools. */
  private static String path() {
    Path helm = Binaries.fromEnvironment().require("helm").getParent();
    Path kubectl = Binaries.fromEnvironment().require("kubectl").getParent();
    Path java = Path.of(System.getProperty("java.home"), "bin");
    return helm + ":" + kubectl + ":" + java + ":" + System.getenv("PATH");
  }

  private static Path root() {
    String root = System.getProperty("tonnage.repo.root");
    return root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }
}
