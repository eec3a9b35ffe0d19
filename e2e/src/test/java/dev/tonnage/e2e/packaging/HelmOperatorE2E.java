package dev.tonnage.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonnage.e2e.EnforcedPolicies;
import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.CertificateAuthority;
import dev.tonnage.testing.tls.IssuedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's path, end to end, on a real kube-apiserver 1.20: {@code helm install}, the operator
 * running with exactly the configuration the chart gives its Deployment (its TONNAGE_* variables)
 * and authenticated as the chart's ServiceAccount (so the chart's RBAC is what it has), the webhook
 * configurations the chart rendered called by the API server, a policy that denies an oversized
 * Deployment, and {@code helm uninstall} that leaves only the CRDs.
 */
class HelmOperatorE2E {

  static final String NAMESPACE = "tonnage";
  static final String RELEASE = "tonnage";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Helm helm;
  private KubeApiServer kube;
  private RegistryServer registry;

  @BeforeEach
  void start() {
    helm = keep(Helm.fromEnvironment());
    kube =
        keep(
            KubeApiServer.builder()
                .identity(
                    "operator",
                    HelmInstallE2E.SERVICE_ACCOUNT,
                    "system:serviceaccounts",
                    "system:serviceaccounts:" + NAMESPACE,
                    "system:authenticated")
                .start());
    registry = keep(RegistryServer.start(RegistryMode.PLAIN));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void chartInstalledOperatorDeniesAnOversizedDeploymentAndUninstallLeavesOnlyTheCrds()
      throws Exception {
    Images images = pushImages();
    int webhookPort = FreePorts.pick();
    install(webhookPort, List.of());
    List<String> installed = manifestObjects();

    try (ScratchDirectory work = ScratchDirectory.create("operator")) {
      assertDeniesOversizedDeployment(
          images, webhookPort, work.path(), Map.of(), "tonnage-validating");
    }

    helm.run(kube.kubeconfig(), List.of("uninstall", RELEASE, "-n", NAMESPACE, "--wait"))
        .requireSuccess();
    for (String object : installed) {
      assertThat(
              kube.kubectl("get", object, "-n", NAMESPACE, "--ignore-not-found", "-o", "name")
                  .stdout())
          .as("%s is gone after helm uninstall", object)
          .isBlank();
    }
    assertThat(kube.kubectl("get", "crd", "-o", "name").requireSuccess().stdout())
        .contains("clusterimagepolicies.tonnage.dev", "imagepolicies.tonnage.dev");
    assertThat(kube.kubectl("get", "clusterimagepolicy", "at-most-1mi", "-o", "name").stdout())
        .as("policies outlive the release")
        .contains("at-most-1mi");
  }

  @Test
  void namespacedPullSecretsAndARenamedChartRunWithTheChartsRbacAndConfigurations()
      throws Exception {
    Images images = pushImages();
    int webhookPort = FreePorts.pick();
    // The operator may read Secrets in its own namespace only, and the webhook configurations
    // follow nameOverride; the ServiceAccount keeps its name (fullnameOverride).
    install(
        webhookPort,
        List.of(
            "--set",
            "imagePullSecrets.read=namespaced",
            "--set",
            "imagePullSecrets.namespaces={" + NAMESPACE + "}",
            "--set",
            "nameOverride=sizer",
            "--set",
            "fullnameOverride=" + RELEASE));

    try (ScratchDirectory work = ScratchDirectory.create("operator")) {
      assertDeniesOversizedDeployment(
          images, webhookPort, work.path(), Map.of(), "sizer-validating");
    }
    assertThat(
            kube.kubectl(
                    "get", "validatingwebhookconfigurations", "-o", "name", "--ignore-not-found")
                .requireSuccess()
                .stdout()
                .strip())
        .isEqualTo("validatingwebhookconfiguration.admissionregistration.k8s.io/sizer-validating");
  }

  @Test
  void anOperatorAskedToReadMoreThanItsRbacAllowsStopsWithOneLineNamingTheFlag() throws Exception {
    int webhookPort = FreePorts.pick();
    install(webhookPort, List.of("--set", "imagePullSecrets.read=none"));

    try (ScratchDirectory work = ScratchDirectory.create("operator")) {
      Map<String, String> env =
          operatorEnvironment(chartEnvironment(), work.path(), webhookPort, FreePorts.pick());
      // RBAC edited by hand, or an operator flag that disagrees with the chart's grants.
      env.put("TONNAGE_READ_PULL_SECRETS", "cluster");
      Command command =
          Command.of(java(), List.of("-jar", jar().toString(), "operator"))
              .withWorkingDirectory(work.path())
              .withTimeout(Duration.ofMinutes(2));
      for (Map.Entry<String, String> variable : env.entrySet()) {
        command = command.withEnvironment(variable.getKey(), variable.getValue());
      }

      ProcessResult result = command.run();
      System.out.printf("operator stopped at start:%n%s%s", result.stdout(), result.stderr());

      assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(2);
      assertThat(result.stderr())
          .contains("tonnage: the API server forbids the operator to get secrets")
          .contains("in every namespace")
          .contains("--read-pull-secrets (env TONNAGE_READ_PULL_SECRETS)");
      assertThat(result.stdout() + result.stderr())
          .as("no stack trace")
          .doesNotContain("\tat ", "Exception:");
    }
  }

  @Test
  void certManagerModeServesTheCertificateMountedFromItsSecret() throws Exception {
    Images images = pushImages();
    int webhookPort = FreePorts.pick();
    kube.kubectl("apply", "-f", ValueSet.resource("stand-in-crds.yaml").toString())
        .requireSuccess();
    kube.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")
        .requireSuccess();
    install(
        webhookPort, List.of("--values", ValueSet.resource("values-cert-manager.yaml").toString()));
    JsonNode deployment =
        RenderedChart.parse(
                helm.run(kube.kubeconfig(), List.of("get", "manifest", RELEASE, "-n", NAMESPACE))
                    .requireSuccess()
                    .stdout())
            .one("Deployment");
    assertThat(deployment.path("spec").path("template").path("spec").path("volumes").toString())
        .contains("\"secretName\":\"tonnage-webhook-tls\"");

    // What cert-manager would do: a CA-issued serving certificate in the Certificate's Secret...
    CertificateAuthority ca = CertificateAuthority.create("cert-manager stand-in CA");
    IssuedCertificate serving =
        ca.issueServerCertificate(
            "tonnage.tonnage.svc", List.of("tonnage.tonnage.svc"), List.of("127.0.0.1"));
    kube.kubectlWithInput(
            """
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/tls
            metadata: {name: tonnage-webhook-tls, namespace: %s}
            data: {tls.crt: %s, tls.key: %s, ca.crt: %s}
            """
                .formatted(
                    NAMESPACE,
                    base64(serving.certificatePem()),
                    base64(serving.privateKeyPem()),
                    base64(ca.certificatePem())),
            "apply",
            "-f",
            "-")
        .requireSuccess();
    try (ScratchDirectory work = ScratchDirectory.create("operator")) {
      // ...and what the kubelet would do: the Secret's keys as files where the chart mounts them.
      Path tls = Files.createDirectories(work.path().resolve("etc-tonnage-tls"));
      for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
        String value =
            kube.kubectl(
                    "get",
                    "secret",
                    "tonnage-webhook-tls",
                    "-n",
                    NAMESPACE,
                    "-o",
                    "jsonpath={.data." + key.replace(".", "\\.") + "}")
                .requireSuccess()
                .stdout();
        Files.write(tls.resolve(key), Base64.getDecoder().decode(value.strip()));
      }
      Map<String, String> mounted = new LinkedHashMap<>();
      mounted.put("TONNAGE_TLS_CERT", tls.resolve("tls.crt").toString());
      mounted.put("TONNAGE_TLS_KEY", tls.resolve("tls.key").toString());
      // cainjector's part: the CA of the Certificate into caBundle.
      mounted.put("TONNAGE_CA_BUNDLE", tls.resolve("ca.crt").toString());

      assertDeniesOversizedDeployment(
          images, webhookPort, work.path(), mounted, "tonnage-validating");
    }
  }

  /** An image over the policy's 1 MiB and one under it, in the loopback registry. */
  record Images(String big, String small) {}

  private Images pushImages() {
    return pushImages(registry);
  }

  static Images pushImages(RegistryServer registry) {
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      // Random bytes do not compress: a 3 MiB layer weighs about 3 MiB in the registry.
      String big =
          images
              .push(
                  "apps/big:1.0",
                  ImageSpec.builder()
                      .layer(
                          LayerSpec.gzip(
                              TarArchive.builder().randomFile("blob.bin", 3 << 20, 7).build()),
                          "COPY blob.bin /")
                      .build())
              .reference();
      String small =
          images.push("apps/small:1.0", ImageSpec.singleLayer("app.txt", "hello")).reference();
      return new Images(big, small);
    }
  }

  private void install(int webhookPort, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "install",
                RELEASE,
                Helm.chart().toString(),
                "--namespace",
                NAMESPACE,
                "--create-namespace",
                "--set",
                "webhook.url=https://127.0.0.1:" + webhookPort,
                "--set",
                "webhook.failurePolicy=Fail",
                "--set",
                "registry.insecure={" + registry.hostPort() + "}",
                // The operator runs here as a process, not as the Deployment's Pods.
                "--set",
                "replicaCount=0"));
    args.addAll(extra);
    helm.run(kube.kubeconfig(), args).requireSuccess();
  }

  /**
   * Runs the operator with the chart's settings (plus {@code overrides} for what a Pod's
   * surroundings would provide), waits until the API server trusts it, then applies a 1 MiB Enforce
   * policy: the big Deployment is denied, the small one admitted.
   */
  private void assertDeniesOversizedDeployment(
      Images images,
      int webhookPort,
      Path work,
      Map<String, String> overrides,
      String validatingConfiguration)
      throws Exception {
    int metricsPort = FreePorts.pick();
    Map<String, String> env = chartEnvironment();
    env.putAll(overrides);
    long started = System.nanoTime();
    try (ManagedProcess operator = startOperator(env, work, webhookPort, metricsPort)) {
      awaitHttp200(operator, "http://127.0.0.1:" + metricsPort + "/readyz");
      System.out.printf(
          "operator ready %d ms after its start (chart settings, ServiceAccount identity)%n",
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      Awaitility.await("the CA in the chart's webhook configurations")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !kube.kubectl(
                          "get",
                          "validatingwebhookconfiguration",
                          validatingConfiguration,
                          "-o",
                          "jsonpath={.webhooks[0].clientConfig.caBundle}")
                      .stdout()
                      .isBlank());
      EnforcedPolicies.atMostOneMebibyte(kube);
      kube.kubectl("create", "namespace", "apps").requireSuccess();

      ProcessResult denied =
          kube.kubectlWithInput(deployment("big", images.big()), "apply", "-f", "-");
      ProcessResult admitted =
          kube.kubectlWithInput(deployment("small", images.small()), "apply", "-f", "-");

      assertThat(denied.exitCode()).as(denied.stdout()).isNotZero();
      assertThat(denied.stderr())
          .contains("admission webhook \"validate.tonnage.dev\" denied the request")
          .contains("at-most-1mi")
          .contains(images.big());
      assertThat(admitted.exitCode()).as(admitted.stderr()).isZero();
    }
  }

  /** The TONNAGE_* settings of the Deployment the chart rendered (literal values only). */
  private Map<String, String> chartEnvironment() {
    String manifest =
        helm.run(kube.kubeconfig(), List.of("get", "manifest", RELEASE, "-n", NAMESPACE))
            .requireSuccess()
            .stdout();
    RenderedChart chart = RenderedChart.parse(manifest);
    Map<String, String> env = new LinkedHashMap<>(chart.operatorEnv());
    assertThat(chart.operatorArgs()).containsExactly("operator");
    return env;
  }

  /**
   * The jar as a process with the chart's environment; only what a Pod would get from its
   * surroundings differs: the namespace (a fieldRef), the service-account credentials (here a
   * kubeconfig with the ServiceAccount's token), loopback addresses and free ports.
   */
  private ManagedProcess startOperator(
      Map<String, String> chartEnv, Path work, int webhookPort, int metricsPort) throws Exception {
    Map<String, String> env = operatorEnvironment(chartEnv, work, webhookPort, metricsPort);
    ManagedProcess.Builder builder =
        ManagedProcess.builder("tonnage operator (chart settings)", java())
            .args("-jar", jar().toString(), "operator")
            .workingDirectory(work)
            .logFile(work.resolve("operator.log"))
            .stopGracePeriod(Duration.ofSeconds(10));
    env.forEach(builder::environment);
    return builder.start();
  }

  /** The chart's environment plus what the Pod's surroundings would provide. */
  private Map<String, String> operatorEnvironment(
      Map<String, String> chartEnv, Path work, int webhookPort, int metricsPort) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(chartEnv);
    env.put("TONNAGE_NAMESPACE", NAMESPACE);
    env.put("POD_NAMESPACE", NAMESPACE);
    env.put("TONNAGE_KUBECONFIG", kube.kubeconfigFor("operator").toString());
    env.put("TONNAGE_WEBHOOK_ADDRESS", "127.0.0.1");
    env.put("TONNAGE_WEBHOOK_PORT", Integer.toString(webhookPort));
    env.put("TONNAGE_METRICS_ADDRESS", "127.0.0.1");
    env.put("TONNAGE_METRICS_PORT", Integer.toString(metricsPort));
    if (env.containsKey("TONNAGE_CERT_DIR")) {
      env.put("TONNAGE_CERT_DIR", Files.createDirectories(work.resolve("certs")).toString());
    }
    return env;
  }

  static Path jar() {
    return Checkout.root().resolve("operator/target/tonnage.jar");
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  static void awaitHttp200(ManagedProcess process, String url) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    process.awaitReady(
        Duration.ofSeconds(60),
        () ->
            http.send(
                        HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200);
  }

  private List<String> manifestObjects() {
    String manifest =
        helm.run(kube.kubeconfig(), List.of("get", "manifest", RELEASE, "-n", NAMESPACE))
            .requireSuccess()
            .stdout();
    List<String> objects = RenderedChart.parse(manifest).resourceNames();
    return objects;
  }

  private static String deployment(String name, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: apps
        spec:
          replicas: 1
          selector:
            matchLabels: {app: %s}
          template:
            metadata:
              labels: {app: %s}
            spec:
              containers:
                - name: app
                  image: %s
        """
        .formatted(name, name, name, image);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
