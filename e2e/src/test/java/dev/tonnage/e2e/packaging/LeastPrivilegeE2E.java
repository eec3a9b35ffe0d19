package dev.tonnage.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.e2e.EnforcedPolicies;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
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
 * What the operator may read, proven on a real kube-apiserver with the chart's RBAC: the operator
 * runs as a process with the chart's TONNAGE_* settings, authenticated as the chart's
 * ServiceAccount, and reviews Deployments whose image sits in a registry that wants a login their
 * imagePullSecrets hold. Each {@code imagePullSecrets.read} mode shows what it reads (the image is
 * measured and denied as too big) and what it is refused ({@code kubectl auth can-i} as the
 * ServiceAccount, and the image measured without the secret). Also the PolicyReports the audit
 * keeps with the upstream CRD installed, and the chart's aggregated roles.
 */
class LeastPrivilegeE2E {

  private static final String NAMESPACE = HelmOperatorE2E.NAMESPACE;
  private static final String RELEASE = HelmOperatorE2E.RELEASE;
  private static final String OPERATOR = "system:serviceaccount:tonnage:tonnage";
  private static final String READ = "team-a";
  private static final String OTHER = "apps";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Helm helm;
  private KubeApiServer kube;
  private RegistryServer registry;
  private String bigImage;
  private String smallImage;

  @BeforeEach
  void start() {
    helm = keep(Helm.fromEnvironment());
    kube =
        keep(
            KubeApiServer.builder()
                .identity(
                    "operator",
                    OPERATOR,
                    "system:serviceaccounts",
                    "system:serviceaccounts:" + NAMESPACE,
                    "system:authenticated")
                .start());
    registry = keep(RegistryServer.start(RegistryMode.BASIC));
    HelmOperatorE2E.Images images = HelmOperatorE2E.pushImages(registry);
    bigImage = images.big();
    smallImage = images.small();
    for (String namespace : List.of(READ, OTHER)) {
      kube.kubectl("create", "namespace", namespace).requireSuccess();
      kube.kubectl(
              "create",
              "secret",
              "docker-registry",
              "regcred",
              "-n",
              namespace,
              "--docker-server=" + registry.hostPort(),
              "--docker-username=" + registry.username(),
              "--docker-password=" + registry.password())
          .requireSuccess();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void clusterModeGetsThePullSecretAPodNamesAndMayNotListOrWatchSecrets() throws Exception {
    try (ManagedProcess operator = startOperator(List.of())) {
      EnforcedPolicies.atMostOneMebibyte(kube);

      assertMeasuredAndDenied(READ);
      assertMeasuredAndDenied(OTHER);
    }
    assertThat(canI("get", "secrets", OTHER)).isEqualTo("yes");
    assertThat(canI("get", "serviceaccounts", OTHER)).isEqualTo("yes");
    assertThat(canI("list", "secrets", OTHER)).isEqualTo("no");
    assertThat(canI("watch", "secrets", OTHER)).isEqualTo("no");
    assertThat(canIEverywhere("list", "secrets")).isEqualTo("no");
    assertThat(canI("create", "secrets", OTHER)).isEqualTo("no");
  }

  @Test
  void namespacedModeReadsOnlyTheListedNamespacesAndSaysWhyElsewhere() throws Exception {
    try (ManagedProcess operator =
        startOperator(
            List.of(
                "--set",
                "imagePullSecrets.read=namespaced",
                "--set",
                "imagePullSecrets.namespaces={" + READ + "}"))) {
      EnforcedPolicies.atMostOneMebibyte(kube);

      assertMeasuredAndDenied(READ);
      assertUnmeasuredAndAdmitted(OTHER);
      assertThat(operator.logs())
          .contains(
              "pull secrets of namespace "
                  + OTHER
                  + " are not read: --read-pull-secrets namespaced reads only ["
                  + READ
                  + "]");
    }
    assertThat(canI("get", "secrets", READ)).isEqualTo("yes");
    assertThat(canI("list", "secrets", READ)).isEqualTo("no");
    assertThat(canI("get", "secrets", OTHER)).isEqualTo("no");
    assertThat(canI("get", "serviceaccounts", OTHER)).isEqualTo("no");
  }

  @Test
  void noneModeReadsNoSecretAndHasNoSecretRbac() throws Exception {
    try (ManagedProcess operator = startOperator(List.of("--set", "imagePullSecrets.read=none"))) {
      EnforcedPolicies.atMostOneMebibyte(kube);

      assertUnmeasuredAndAdmitted(READ);
    }
    for (String namespace : List.of(READ, OTHER)) {
      assertThat(canI("get", "secrets", namespace)).isEqualTo("no");
      assertThat(canI("get", "serviceaccounts", namespace)).isEqualTo("no");
    }
    // Its own namespace: only the webhook's TLS Secret, by name.
    assertThat(canI("get", "secrets/tonnage-webhook-tls", NAMESPACE)).isEqualTo("yes");
    assertThat(canI("get", "secrets/other", NAMESPACE)).isEqualTo("no");
  }

  @Test
  void theAuditKeepsOnePolicyReportPerNamespaceAndTeamsReadItThroughTheStandardRoles()
      throws Exception {
    kube.kubectl("apply", "-f", ValueSet.resource("wgpolicyk8s.io_policyreports.yaml").toString())
        .requireSuccess();
    kube.kubectl(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/policyreports.wgpolicyk8s.io")
        .requireSuccess();
    // The audit measures with the operator-wide credentials (chart: registry.credentialsSecret).
    try (ManagedProcess operator =
        startOperator(List.of(), Map.of("TONNAGE_DOCKER_CONFIG", dockerConfig().toString()))) {
      assertThat(operator.logs())
          .contains("the audit keeps one report per namespace as [PolicyReport");
      for (String namespace : List.of(READ, OTHER)) {
        pod(namespace, "big", bigImage);
      }
      pod(READ, "small", smallImage);
      // Kubernetes 1.20 does not label namespaces with their name yet; do what 1.21+ does.
      for (String namespace : List.of(READ, OTHER)) {
        kube.kubectl(
                "label",
                "namespace",
                namespace,
                "kubernetes.io/metadata.name=" + namespace,
                "--overwrite")
            .requireSuccess();
      }

      kube.kubectlWithInput(
              """
              apiVersion: tonnage.dev/v1alpha1
              kind: ClusterImagePolicy
              metadata:
                name: at-most-1mi
              spec:
                action: Audit
                match:
                  namespaceSelector:
                    matchExpressions:
                      - {key: kubernetes.io/metadata.name, operator: In, values: [team-a]}
                limits:
                  maxCompressedSize: 1Mi
              """,
              "apply",
              "-f",
              "-")
          .requireSuccess();
      JsonNode report =
          Awaitility.await("the PolicyReport of " + READ)
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> report(READ),
                  r -> r != null && r.path("summary").path("fail").asInt() == 1);
      assertThat(report.path("summary").toString())
          .isEqualTo("{\"error\":0,\"fail\":1,\"pass\":1,\"skip\":0,\"warn\":0}");
      JsonNode fail = report.path("results").get(0);
      assertThat(fail.path("policy").asText()).isEqualTo("at-most-1mi");
      assertThat(fail.path("rule").asText()).isEqualTo("maxCompressedSize");
      assertThat(fail.path("result").asText()).isEqualTo("fail");
      assertThat(fail.path("severity").asText()).isEqualTo("low");
      assertThat(fail.path("source").asText()).isEqualTo("tonnage");
      assertThat(fail.path("resources").get(0).path("kind").asText()).isEqualTo("Pod");
      assertThat(fail.path("resources").get(0).path("name").asText()).isEqualTo("big");
      assertThat(fail.path("message").asText()).contains(bigImage);
      assertThat(report(OTHER)).as("a namespace the policy does not cover has no report").isNull();
      System.out.println(
          kube.kubectl("get", "policyreports", "-n", READ).requireSuccess().stdout());

      // A team member with the standard view role in the namespace reads the report there.
      assertThat(canIAs("alice", "list", "policyreports.wgpolicyk8s.io", READ)).isEqualTo("no");
      kube.kubectl(
              "create",
              "rolebinding",
              "alice-view",
              "-n",
              READ,
              "--clusterrole=" + RELEASE + "-view",
              "--user=alice")
          .requireSuccess();
      assertThat(canIAs("alice", "list", "policyreports.wgpolicyk8s.io", READ)).isEqualTo("yes");
      assertThat(canIAs("alice", "get", "imagepolicies.tonnage.dev", READ)).isEqualTo("yes");
      assertThat(allowed("alice", "list", "imagepolicyexceptions", READ)).isEqualTo("true");
      assertThat(canIAs("alice", "create", "imagepolicies.tonnage.dev", READ)).isEqualTo("no");
      assertThat(canIAs("alice", "list", "policyreports.wgpolicyk8s.io", OTHER)).isEqualTo("no");
      kube.kubectl(
              "create",
              "rolebinding",
              "alice-edit",
              "-n",
              READ,
              "--clusterrole=" + RELEASE + "-edit",
              "--user=alice")
          .requireSuccess();
      assertThat(canIAs("alice", "create", "imagepolicies.tonnage.dev", READ)).isEqualTo("yes");
      assertThat(allowed("alice", "create", "imagepolicyexceptions", READ)).isEqualTo("false");
      assertThat(canIAs("alice", "create", "clusterimagepolicies.tonnage.dev", READ))
          .isEqualTo("no");

      // The policy goes: so do its results, and a namespace without results has no report.
      kube.kubectl("delete", "clusterimagepolicy", "at-most-1mi").requireSuccess();
      Awaitility.await("the PolicyReport of " + READ + " deleted")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> report(READ) == null);
    }
  }

  private JsonNode report(String namespace) throws Exception {
    ProcessResult get =
        kube.kubectl(
            "get", "policyreport", "tonnage", "-n", namespace, "-o", "json", "--ignore-not-found");
    get.requireSuccess();
    return get.stdout().isBlank() ? null : new ObjectMapper().readTree(get.stdout());
  }

  /** The image was measured with the Pod's pull secret: denied, with its size. */
  private void assertMeasuredAndDenied(String namespace) {
    ProcessResult denied =
        kube.kubectlWithInput(deployment(namespace, bigImage), "apply", "-f", "-");
    assertThat(denied.exitCode()).as(denied.stdout()).isNotZero();
    assertThat(denied.stderr())
        .contains("admission webhook \"validate.tonnage.dev\" denied the request")
        .contains("at-most-1mi")
        .contains(bigImage);
  }

  /** Without the pull secret the registry refuses: facts unavailable, admitted with a warning. */
  private void assertUnmeasuredAndAdmitted(String namespace) {
    ProcessResult admitted =
        kube.kubectlWithInput(deployment(namespace, bigImage), "apply", "-f", "-");
    assertThat(admitted.exitCode()).as(admitted.stderr()).isZero();
    assertThat(admitted.stderr()).contains("Warning:").contains("at-most-1mi: ");
  }

  private String canI(String verb, String resource, String namespace) {
    return kube.kubectl("auth", "can-i", verb, resource, "-n", namespace, "--as=" + OPERATOR)
        .stdout()
        .strip();
  }

  private String canIEverywhere(String verb, String resource) {
    return kube.kubectl("auth", "can-i", verb, resource, "--all-namespaces", "--as=" + OPERATOR)
        .stdout()
        .strip();
  }

  /**
   * RBAC's answer for a tonnage.dev resource by name, whether or not its CRD is installed (kubectl
   * auth can-i needs discovery to know the resource): a SubjectAccessReview.
   */
  private String allowed(String user, String verb, String resource, String namespace) {
    return kube.kubectlWithInput(
            """
            apiVersion: authorization.k8s.io/v1
            kind: SubjectAccessReview
            spec:
              user: %s
              resourceAttributes: {group: tonnage.dev, resource: %s, verb: %s, namespace: %s}
            """
                .formatted(user, resource, verb, namespace),
            "create",
            "-f",
            "-",
            "-o",
            "jsonpath={.status.allowed}")
        .requireSuccess()
        .stdout()
        .strip();
  }

  private String canIAs(String user, String verb, String resource, String namespace) {
    return kube.kubectl("auth", "can-i", verb, resource, "-n", namespace, "--as=" + user)
        .stdout()
        .strip();
  }

  /**
   * Installs the chart with {@code extra} values and runs the operator as its ServiceAccount with
   * the chart's settings; returns once it is ready and the API server trusts its webhook.
   */
  private ManagedProcess startOperator(List<String> extra) throws Exception {
    return startOperator(extra, Map.of());
  }

  /** A docker config.json with the registry's login, as registry.credentialsSecret holds it. */
  private Path dockerConfig() throws Exception {
    ScratchDirectory dir = keep(ScratchDirectory.create("docker-config"));
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (registry.username() + ":" + registry.password()).getBytes(StandardCharsets.UTF_8));
    Path file = dir.path().resolve("config.json");
    Files.writeString(
        file, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    return file;
  }

  private ManagedProcess startOperator(List<String> extra, Map<String, String> extraEnv)
      throws Exception {
    int webhookPort = FreePorts.pick();
    int metricsPort = FreePorts.pick();
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
                // The operator runs here as a process, not as the Deployment's Pods.
                "--set",
                "replicaCount=0"));
    args.addAll(extra);
    helm.run(kube.kubeconfig(), args).requireSuccess();
    RenderedChart chart =
        RenderedChart.parse(
            helm.run(kube.kubeconfig(), List.of("get", "manifest", RELEASE, "-n", NAMESPACE))
                .requireSuccess()
                .stdout());
    ScratchDirectory work = keep(ScratchDirectory.create("operator"));
    Map<String, String> env = new LinkedHashMap<>(chart.operatorEnv());
    // What a Pod's surroundings would give: namespace, token, addresses; the registry's CA (the
    // chart mounts it from registry.caBundle) and a short audit debounce for the test's pace.
    env.put("TONNAGE_NAMESPACE", NAMESPACE);
    env.put("POD_NAMESPACE", NAMESPACE);
    env.put("TONNAGE_KUBECONFIG", kube.kubeconfigFor("operator").toString());
    env.put("TONNAGE_WEBHOOK_ADDRESS", "127.0.0.1");
    env.put("TONNAGE_WEBHOOK_PORT", Integer.toString(webhookPort));
    env.put("TONNAGE_METRICS_ADDRESS", "127.0.0.1");
    env.put("TONNAGE_METRICS_PORT", Integer.toString(metricsPort));
    env.put("TONNAGE_CA_FILES", registry.caCertificateFile().toString());
    env.put("TONNAGE_AUDIT_DEBOUNCE", "2s");
    env.putAll(extraEnv);
    if (env.containsKey("TONNAGE_CERT_DIR")) {
      env.put("TONNAGE_CERT_DIR", Files.createDirectories(work.path().resolve("certs")).toString());
    }
    ManagedProcess.Builder builder =
        ManagedProcess.builder("tonnage operator (chart settings)", HelmOperatorE2E.java())
            .args("-jar", HelmOperatorE2E.jar().toString(), "operator")
            .workingDirectory(work.path())
            .logFile(work.path().resolve("operator.log"))
            .stopGracePeriod(Duration.ofSeconds(10));
    env.forEach(builder::environment);
    ManagedProcess operator = builder.start();
    HelmOperatorE2E.awaitHttp200(operator, "http://127.0.0.1:" + metricsPort + "/readyz");
    Awaitility.await("the CA in the chart's webhook configuration")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !kube.kubectl(
                        "get",
                        "validatingwebhookconfiguration",
                        RELEASE + "-validating",
                        "-o",
                        "jsonpath={.webhooks[0].clientConfig.caBundle}")
                    .stdout()
                    .isBlank());
    return operator;
  }

  private void pod(String namespace, String name, String image) {
    kube.kubectlWithInput(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s, namespace: %s}
            spec:
              imagePullSecrets: [{name: regcred}]
              containers: [{name: app, image: "%s"}]
            """
                .formatted(name, namespace, image),
            "apply",
            "-f",
            "-")
        .requireSuccess();
  }

  private static String deployment(String namespace, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: %s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: big}}
          template:
            metadata: {labels: {app: big}}
            spec:
              imagePullSecrets: [{name: regcred}]
              containers: [{name: app, image: "%s"}]
        """
        .formatted(namespace, image);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }
}
