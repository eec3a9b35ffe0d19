package dev.tonnage.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tonnage.admission.WebhookConfigurations;
import dev.tonnage.operator.OperatorCommand;
import dev.tonnage.operator.OperatorConfig;
import dev.tonnage.registry.ProxySettings;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The chart over several value sets: {@code helm lint --strict}, {@code helm template}, and every
 * rendered object accepted by a real kube-apiserver 1.20 ({@code kubectl apply --dry-run=server}),
 * plus what the rendered objects must say (security defaults, webhook settings, RBAC scope).
 */
class ChartRenderE2E {

  private static final String KUBE_1_20 = "1.20.2";
  private static final String KUBE_CURRENT = "1.35.0";
  private static final String NAMESPACE = "tonnage";

  static final List<ValueSet> VALUE_SETS = ValueSet.ALL;

  private static Helm helm;
  private static KubeApiServer kube;

  @BeforeAll
  static void startControlPlane() throws IOException {
    helm = Helm.fromEnvironment();
    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", ValueSet.resource("stand-in-crds.yaml").toString())
        .requireSuccess();
    Path crds = Helm.chart().resolve("crds");
    if (Files.isDirectory(crds)) {
      try (Stream<Path> files = Files.list(crds)) {
        if (files.findAny().isPresent()) {
          kube.kubectl("apply", "-f", crds.toString()).requireSuccess();
        }
      }
    }
    kube.kubectl("create", "namespace", NAMESPACE).requireSuccess();
    kube.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")
        .requireSuccess();
  }

  @AfterAll
  static void stopControlPlane() {
    try {
      if (kube != null) {
        kube.close();
      }
    } finally {
      if (helm != null) {
        helm.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  void lintPassesInStrictMode(ValueSet values) {
    ProcessResult lint = helm.lint(values.helmArgs()).requireSuccess();

    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    assertThat(lint.stdout()).doesNotContain("[WARNING]", "[ERROR]");
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  void everyRenderedObjectIsAcceptedByKubernetes120(ValueSet values) {
    RenderedChart chart = render(KUBE_1_20, values.helmArgs());

    ProcessResult applied =
        kube.kubectlWithInput(chart.yaml(), "apply", "--dry-run=server", "-f", "-");

    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout().lines().filter(l -> l.endsWith("(server dry run)")).count())
        .as("one accepted line per rendered object:\n%s", applied.stdout())
        .isEqualTo(chart.objects().size());
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  void everyTonnageVariableTheDeploymentSetsIsOneTheOperatorReads(ValueSet values) {
    RenderedChart chart = render(KUBE_1_20, values.helmArgs());
    Map<String, String> read = OperatorCommand.environmentVariables();

    List<String> set =
        chart.operatorEnvNames().stream()
            .filter(name -> name.startsWith(OperatorCommand.ENV_PREFIX))
            .toList();

    assertThat(set).as("the chart configures the operator through TONNAGE_*").isNotEmpty();
    assertThat(read.keySet())
        .as("variables tonnage operator reads (from its flags' defaults): %s", read)
        .containsAll(set);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("VALUE_SETS")
  void theOperatorAcceptsThePullSecretSettingsAndFindsTheRenderedConfigurations(ValueSet values) {
    RenderedChart chart = render(KUBE_1_20, values.helmArgs());
    Map<String, String> env = chart.operatorEnv();

    String mode = env.get("TONNAGE_READ_PULL_SECRETS");
    String namespaces = env.getOrDefault("TONNAGE_PULL_SECRET_NAMESPACES", "");
    assertThatCode(
            () ->
                new OperatorConfig.PullSecretAccess(
                    OperatorConfig.PullSecretScope.valueOf(mode.toUpperCase(Locale.ROOT)),
                    Arrays.stream(namespaces.split(",")).filter(n -> !n.isBlank()).toList()))
        .as("TONNAGE_READ_PULL_SECRETS=%s TONNAGE_PULL_SECRET_NAMESPACES=%s", mode, namespaces)
        .doesNotThrowAnyException();
    for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
      String variable =
          kind.startsWith("Validating")
              ? "TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION"
              : "TONNAGE_MUTATING_WEBHOOK_CONFIGURATION";
      List<JsonNode> rendered = chart.ofKind(kind);
      assertThat(env.get(variable))
          .as("%s names the rendered %s, or is empty when there is none", variable, kind)
          .isEqualTo(
              rendered.isEmpty() ? "" : rendered.get(0).path("metadata").path("name").asText());
    }
    assertThatCode(
            () ->
                new WebhookConfigurations.Names(
                    env.get("TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION"),
                    env.get("TONNAGE_MUTATING_WEBHOOK_CONFIGURATION")))
        .doesNotThrowAnyException();
  }

  @Test
  void aRenamedChartTellsTheOperatorItsWebhookConfigurations() {
    RenderedChart chart = render(KUBE_1_20, List.of("--set", "nameOverride=sizer"));

    assertThat(chart.operatorEnv())
        .containsEntry("TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION", "sizer-validating")
        .containsEntry("TONNAGE_MUTATING_WEBHOOK_CONFIGURATION", "sizer-mutating");
    assertThat(chart.ofKind("ClusterRole").toString())
        .contains("\"sizer-validating\"", "\"sizer-mutating\"");
  }

  @Test
  void defaultsRunTwoRestrictedReplicasThatSpreadAndSurviveDrains() {
    RenderedChart chart = render(KUBE_1_20, List.of());
    JsonNode deployment = chart.one("Deployment");
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = chart.operatorContainer();

    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(
            pod.path("affinity")
                .path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution"))
        .hasSize(1);
    JsonNode pdb = chart.one("PodDisruptionBudget");
    assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1beta1");
    assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);

    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65532);
    assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText())
        .isEqualTo("RuntimeDefault");
    JsonNode security = container.path("securityContext");
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.path("volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
    assertThat(pod.path("volumes").get(0).path("emptyDir").isObject()).isTrue();

    assertThat(container.path("resources").path("requests").path("memory").asText())
        .isEqualTo("256Mi");
    assertThat(container.path("resources").path("limits").path("memory").asText())
        .isEqualTo("512Mi");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.path("ports").findValuesAsText("containerPort"))
        .containsExactly("8443", "8080");
    assertThat(chart.operatorArgs()).containsExactly("operator");
    assertThat(chart.operatorEnv())
        .containsEntry("TONNAGE_SELF_SIGNED", "true")
        .containsEntry("TONNAGE_CERT_SECRET", "tonnage-webhook-tls")
        .containsEntry("TONNAGE_WEBHOOK_SERVICE", "tonnage")
        .containsEntry("TONNAGE_FAILURE_POLICY", "Ignore")
        .containsEntry("TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION", "tonnage-validating")
        .containsEntry("TONNAGE_MUTATING_WEBHOOK_CONFIGURATION", "tonnage-mutating")
        .containsEntry("TONNAGE_WEBHOOK_PORT", "8443")
        .containsEntry("TONNAGE_METRICS_PORT", "8080")
        .doesNotContainKey("TONNAGE_REGISTER_WEBHOOKS");
  }

  @Test
  void theOperatorRunsWithTheChartsJvmCommandUnlessItIsCleared() {
    // ContainerImageE2E runs this command in the image; here: what it is and how to drop it.
    JsonNode command = render(KUBE_1_20, List.of()).operatorContainer().path("command");
    List<String> flags = new ArrayList<>();
    command.forEach(c -> flags.add(c.asText()));

    assertThat(flags)
        .startsWith("java")
        .contains("-XX:SharedArchiveFile=/app/tonnage.jsa", "dev.tonnage.Main")
        .as("the image's entrypoint is C1-only for the CLI; the operator keeps the full JIT")
        .noneMatch(f -> f.startsWith("-XX:TieredStopAtLevel") || f.equals("-XX:+UseSerialGC"));
    assertThat(
            render(KUBE_1_20, List.of("--set", "operator.command=null"))
                .operatorContainer()
                .has("command"))
        .as("operator.command=null runs the image's entrypoint")
        .isFalse();
  }

  @Test
  void currentKubernetesGetsPolicyV1DisruptionBudget() {
    RenderedChart chart = render(KUBE_CURRENT, List.of());

    assertThat(chart.one("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1");
    Set<String> apiVersions = new TreeSet<>();
    chart.objects().forEach(o -> apiVersions.add(o.path("apiVersion").asText()));
    assertThat(apiVersions)
        .as("only API versions served by current Kubernetes releases")
        .isSubsetOf(
            "v1",
            "apps/v1",
            "policy/v1",
            "rbac.authorization.k8s.io/v1",
            "admissionregistration.k8s.io/v1",
            "networking.k8s.io/v1");
  }

  @Test
  void webhooksFailOpenWithinTheApiServerDeadlineAndSkipExemptNamespaces() {
    RenderedChart chart = render(KUBE_1_20, List.of());
    JsonNode validating = chart.one("ValidatingWebhookConfiguration").path("webhooks").get(0);
    JsonNode mutating = chart.one("MutatingWebhookConfiguration").path("webhooks").get(0);

    for (JsonNode webhook : List.of(validating, mutating)) {
      assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
      assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(10);
      assertThat(webhook.path("matchPolicy").asText()).isEqualTo("Equivalent");
      assertThat(webhook.path("admissionReviewVersions").toString()).isEqualTo("[\"v1\"]");
      assertThat(webhook.path("clientConfig").has("caBundle"))
          .as("caBundle is left to the operator or cainjector")
          .isFalse();
      assertThat(webhook.path("clientConfig").path("service").path("name").asText())
          .isEqualTo("tonnage");
      String namespaceSelector = webhook.path("namespaceSelector").toString();
      assertThat(namespaceSelector)
          .contains(
              "kube-system", "\"tonnage\"", "tonnage.dev/ignore", "kubernetes.io/metadata.name");
      assertThat(webhook.path("objectSelector").toString())
          .as("no object can opt itself out")
          .doesNotContain("tonnage.dev/ignore");
    }
    assertThat(validating.path("sideEffects").asText()).isEqualTo("NoneOnDryRun");
    assertThat(validating.path("clientConfig").path("service").path("path").asText())
        .isEqualTo("/validate");
    assertThat(mutating.path("clientConfig").path("service").path("path").asText())
        .isEqualTo("/mutate");

    List<String> resources = new ArrayList<>();
    validating
        .path("rules")
        .forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
    assertThat(resources)
        .containsExactlyInAnyOrder(
            "pods",
            "pods/ephemeralcontainers",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs");
    validating
        .path("rules")
        .forEach(
            r -> assertThat(r.path("operations").toString()).isEqualTo("[\"CREATE\",\"UPDATE\"]"));
    // The operator's own Pods are left out by the namespaceSelector (its namespace), not by an
    // object label: object labels no longer opt out.
    assertThat(chart.one("Deployment").path("metadata").path("labels").has("tonnage.dev/ignore"))
        .isFalse();
  }

  @Test
  void everyServicePortDeclaresItsProtocolForServerSideApply() {
    RenderedChart chart = render(KUBE_1_20, List.of());

    JsonNode ports = chart.one("Service").path("spec").path("ports");
    assertThat(ports).hasSize(2);
    ports.forEach(p -> assertThat(p.path("protocol").asText()).isEqualTo("TCP"));
  }

  @Test
  void rbacGrantsOnlyWhatTheOperatorUses() {
    RenderedChart chart = render(KUBE_1_20, List.of());

    for (JsonNode role : concat(chart.ofKind("ClusterRole"), chart.ofKind("Role"))) {
      String name = role.path("metadata").path("name").asText();
      if (aggregated(role)) {
        continue; // for people, not the operator: aggregatedRolesGiveNamespaceUsersTheirOwnResults
      }
      for (JsonNode rule : role.path("rules")) {
        String resources = rule.path("resources").toString();
        assertThat(rule.path("verbs").toString()).doesNotContain("*", "escalate", "bind");
        if (rule.path("verbs").toString().contains("delete")) {
          assertThat(resources)
              .as("the operator deletes only its reports")
              .isIn("[\"policyreports\"]", "[\"reports\"]");
        }
        assertThat(resources).doesNotContain("\"*\"");
        if (resources.contains("secrets")) {
          if (name.endsWith("-pull-secrets")) {
            assertThat(rule.path("verbs").toString()).isEqualTo("[\"get\"]");
          } else {
            assertThat(role.path("kind").asText()).isEqualTo("Role");
            assertThat(rule.path("resourceNames").toString())
                .isEqualTo("[\"tonnage-webhook-tls\"]");
          }
        }
        if (resources.contains("webhookconfigurations")) {
          assertThat(rule.path("resourceNames").toString()).startsWith("[\"tonnage-");
        }
      }
    }
    assertThat(chart.named("Role", "tonnage").path("metadata").path("namespace").asText())
        .isEqualTo(NAMESPACE);
  }

  @Test
  void proxyValuesBecomeTheStandardVariablesAndTheApiServerStaysDirect() {
    RenderedChart none = render(KUBE_1_20, List.of());
    RenderedChart literal =
        render(
            KUBE_1_20,
            List.of(
                "--set", "proxy.httpsProxy=http://proxy.corp:3128",
                "--set", "proxy.httpProxy=http://proxy.corp:3129",
                "--set", "proxy.noProxy=.svc\\,.cluster.local\\,10.0.0.0/8"));
    RenderedChart secret = render(KUBE_1_20, List.of("--set", "proxy.existingSecret=corp-proxy"));

    assertThat(none.operatorEnvNames()).doesNotContain("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY");
    Map<String, String> env = literal.operatorEnv();
    assertThat(env)
        .containsEntry("HTTPS_PROXY", "http://proxy.corp:3128")
        .containsEntry("HTTP_PROXY", "http://proxy.corp:3129")
        .containsEntry("NO_PROXY", ".svc,.cluster.local,10.0.0.0/8,$(KUBERNETES_SERVICE_HOST)");
    // What the kubelet hands the operator once it expanded the API server's address.
    ProxySettings read =
        ProxySettings.fromEnvironment(
            Map.of(
                "HTTPS_PROXY", env.get("HTTPS_PROXY"),
                "NO_PROXY",
                    env.get("NO_PROXY").replace("$(KUBERNETES_SERVICE_HOST)", "10.96.0.1")));
    assertThat(read.proxyFor("https", "10.96.0.1", 443)).isNull();
    assertThat(read.proxyFor("https", "registry.team.svc", 443)).isNull();
    assertThat(read.proxyFor("https", "ghcr.io", 443).redacted())
        .isEqualTo("http://proxy.corp:3128");

    assertThat(secret.operatorEnv())
        .doesNotContainKeys("HTTPS_PROXY", "HTTP_PROXY")
        .containsEntry("NO_PROXY", "$(KUBERNETES_SERVICE_HOST)");
    List<String> fromSecret = new ArrayList<>();
    secret
        .operatorContainer()
        .path("env")
        .forEach(
            e -> {
              JsonNode ref = e.path("valueFrom").path("secretKeyRef");
              if (!ref.isMissingNode()) {
                fromSecret.add(
                    e.path("name").asText()
                        + "<-"
                        + ref.path("name").asText()
                        + "/"
                        + ref.path("key").asText());
              }
            });
    assertThat(fromSecret)
        .containsExactly(
            "HTTPS_PROXY<-corp-proxy/HTTPS_PROXY", "HTTP_PROXY<-corp-proxy/HTTP_PROXY");
  }

  @Test
  void readingPullSecretsIsAToggleWithNamespacedOrClusterScope() {
    RenderedChart none = render(KUBE_1_20, List.of("--set", "imagePullSecrets.read=none"));
    RenderedChart namespaced =
        render(
            KUBE_1_20,
            List.of(
                "--set", "imagePullSecrets.read=namespaced",
                "--set", "imagePullSecrets.namespaces={team-a,team-b}"));
    RenderedChart cluster = render(KUBE_1_20, List.of());

    assertThat(none.kindsAndNames()).doesNotContain("pull-secrets");
    assertThat(none.operatorEnv()).containsEntry("TONNAGE_READ_PULL_SECRETS", "none");
    assertThat(namespaced.operatorEnv())
        .containsEntry("TONNAGE_READ_PULL_SECRETS", "namespaced")
        .containsEntry("TONNAGE_PULL_SECRET_NAMESPACES", "team-a,team-b");
    assertThat(cluster.operatorEnv()).doesNotContainKey("TONNAGE_PULL_SECRET_NAMESPACES");
    // ServiceAccounts are read where Secrets are, and nowhere else.
    for (RenderedChart chart : List.of(none, namespaced, cluster)) {
      assertThat(chart.named("ClusterRole", "tonnage").path("rules").toString())
          .doesNotContain("serviceaccounts");
    }
    assertThat(
            namespaced.ofKind("Role").stream()
                .filter(r -> r.path("metadata").path("name").asText().endsWith("-pull-secrets"))
                .map(r -> r.path("metadata").path("namespace").asText()))
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(namespaced.kindsAndNames()).doesNotContain("ClusterRole/tonnage-pull-secrets");
    JsonNode clusterRole = cluster.named("ClusterRole", "tonnage-pull-secrets");
    assertThat(clusterRole.path("rules").get(0).path("verbs").toString())
        .as("fetched by name only: no list or watch of every Secret")
        .isEqualTo("[\"get\"]");
    assertThat(clusterRole.path("rules").get(0).path("resources").toString())
        .isEqualTo("[\"secrets\",\"serviceaccounts\"]");
    assertThat(cluster.operatorEnv()).containsEntry("TONNAGE_READ_PULL_SECRETS", "cluster");
  }

  /**
   * The test control plane runs kube-apiserver alone, without kube-controller-manager and so
   * without the ClusterRole aggregation controller: what aggregation folds into view, edit and
   * admin is asserted here, on the rendered roles; LeastPrivilegeE2E binds them on a real API
   * server.
   */
  @Test
  void aggregatedRolesGiveNamespaceUsersTheirOwnResults() {
    RenderedChart chart = render(KUBE_1_20, List.of());

    JsonNode view = chart.named("ClusterRole", "tonnage-view");
    assertThat(labels(view))
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    assertThat(view.path("rules").toString())
        .isEqualTo(
            "[{\"apiGroups\":[\"tonnage.dev\"],\"resources\":[\"imagepolicies\","
                + "\"imagepolicyexceptions\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
                + "{\"apiGroups\":[\"wgpolicyk8s.io\"],\"resources\":[\"policyreports\"],"
                + "\"verbs\":[\"get\",\"list\",\"watch\"]},"
                + "{\"apiGroups\":[\"openreports.io\"],\"resources\":[\"reports\"],"
                + "\"verbs\":[\"get\",\"list\",\"watch\"]}]");
    JsonNode edit = chart.named("ClusterRole", "tonnage-edit");
    assertThat(labels(edit))
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(edit.path("rules").toString())
        .isEqualTo(
            "[{\"apiGroups\":[\"tonnage.dev\"],\"resources\":[\"imagepolicies\"],"
                + "\"verbs\":[\"create\",\"update\",\"patch\",\"delete\","
                + "\"deletecollection\"]}]");
    assertThat(
            render(KUBE_1_20, List.of("--set", "rbac.aggregateToStandardRoles=false"))
                .kindsAndNames())
        .doesNotContain("ClusterRole/tonnage-view", "ClusterRole/tonnage-edit");
  }

  @Test
  void policyReportsAreOnByDefaultWithTheirRbacAndOffWithOneValue() {
    RenderedChart on = render(KUBE_1_20, List.of());
    RenderedChart off = render(KUBE_1_20, List.of("--set", "policyReports.enabled=false"));

    assertThat(on.operatorEnv()).containsEntry("TONNAGE_POLICY_REPORTS", "true");
    assertThat(on.named("ClusterRole", "tonnage").path("rules").toString())
        .contains("policyreports", "openreports.io");
    assertThat(off.operatorEnv()).containsEntry("TONNAGE_POLICY_REPORTS", "false");
    assertThat(off.named("ClusterRole", "tonnage").path("rules").toString())
        .doesNotContain("policyreports", "openreports.io");
  }

  private static boolean aggregated(JsonNode role) {
    return labels(role).keySet().stream()
        .anyMatch(k -> k.startsWith("rbac.authorization.k8s.io/aggregate-to-"));
  }

  private static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new TreeMap<>();
    object
        .path("metadata")
        .path("labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  @Test
  void certManagerModeIssuesTheServingCertificateAndInjectsItsCa() {
    RenderedChart chart =
        render(KUBE_1_20, List.of("--values", values("values-cert-manager.yaml")));

    for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
      assertThat(
              chart
                  .one(kind)
                  .path("metadata")
                  .path("annotations")
                  .path("cert-manager.io/inject-ca-from")
                  .asText())
          .isEqualTo("tonnage/tonnage");
    }
    JsonNode certificate = chart.named("Certificate", "tonnage");
    assertThat(certificate.path("spec").path("dnsNames").toString())
        .contains("tonnage.tonnage.svc");
    assertThat(certificate.path("spec").path("secretName").asText())
        .isEqualTo("tonnage-webhook-tls");
    assertThat(chart.operatorEnv())
        .containsEntry("TONNAGE_TLS_CERT", "/etc/tonnage/tls/tls.crt")
        .containsEntry("TONNAGE_TLS_KEY", "/etc/tonnage/tls/tls.key")
        .doesNotContainKey("TONNAGE_SELF_SIGNED");
    assertThat(chart.ofKind("Secret")).as("cert-manager writes the Secret").isEmpty();
    assertThat(
            chart
                .one("ValidatingWebhookConfiguration")
                .path("webhooks")
                .get(0)
                .path("failurePolicy")
                .asText())
        .isEqualTo("Fail");
  }

  @Test
  void monitoringShipsTheAlertRulesAndTheDashboardUnchanged() throws IOException {
    RenderedChart chart = render(KUBE_1_20, List.of("--values", values("values-monitoring.yaml")));
    Path files = Helm.chart().resolve("files");
    JsonNode alertRules = new YAMLMapper().readTree(files.resolve("alert-rules.yaml").toFile());
    JsonNode dashboard =
        new YAMLMapper().readTree(files.resolve("grafana-dashboard.json").toFile());

    JsonNode rule = chart.one("PrometheusRule");
    assertThat(rule.path("spec").path("groups")).isEqualTo(alertRules.path("groups"));
    assertThat(rule.path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus-stack");
    JsonNode configMap = chart.named("ConfigMap", "tonnage-dashboard");
    assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(new YAMLMapper().readTree(configMap.path("data").path("tonnage.json").asText()))
        .isEqualTo(dashboard);
    JsonNode endpoint = chart.one("ServiceMonitor").path("spec").path("endpoints").get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo("metrics");
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(chart.one("NetworkPolicy").path("spec").path("ingress")).hasSize(2);
  }

  @Test
  void registrySettingsBecomeOperatorFlagsAndMounts() {
    RenderedChart chart = render(KUBE_1_20, List.of("--values", values("values-registries.yaml")));

    assertThat(chart.operatorEnv())
        .containsEntry("TONNAGE_INSECURE_REGISTRIES", "registry.lab.internal:5000,10.1.2.3:5000")
        .containsEntry("TONNAGE_REGISTRY_RATE_LIMITS", "*=5,docker.io=2")
        .containsEntry(
            "TONNAGE_CA_FILES", "/etc/tonnage/ca/root.pem,/etc/tonnage/ca/intermediate.pem")
        .containsEntry("TONNAGE_DOCKER_CONFIG", "/etc/tonnage/docker/config.json")
        .containsEntry("TONNAGE_REGISTRY_TIMEOUT", "3s")
        .containsEntry("TONNAGE_LOG_FORMAT", "text")
        .containsEntry("TONNAGE_VERBOSE", "true");
    assertThat(chart.operatorContainer().path("image").asText())
        .isEqualTo(
            "registry.corp.internal/platform/tonnage@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(chart.operatorContainer().path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/etc/tonnage/ca", "/etc/tonnage/docker");
  }

  @Test
  void aWebhookUrlPointsTheApiServerOutsideTheCluster() {
    RenderedChart chart =
        render(KUBE_1_20, List.of("--set", "webhook.url=https://127.0.0.1:9443/"));

    JsonNode clientConfig =
        chart.one("ValidatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig");
    assertThat(clientConfig.path("url").asText()).isEqualTo("https://127.0.0.1:9443/validate");
    assertThat(clientConfig.has("service")).isFalse();
    assertThat(chart.operatorEnv())
        .as("the operator applies the same URL, with its caBundle")
        .containsEntry("TONNAGE_REGISTER_WEBHOOKS", "https://127.0.0.1:9443");
    assertThat(
            chart
                .one("MutatingWebhookConfiguration")
                .path("webhooks")
                .get(0)
                .path("clientConfig")
                .path("url")
                .asText())
        .isEqualTo("https://127.0.0.1:9443/mutate");
  }

  @Test
  void theInClusterFormRefusesToRenderWithoutAnImageSayingWhatToSet() {
    ProcessResult result = helm.template(KUBE_1_20, List.of("--set", "image.repository="));

    assertThat(result.exitCode()).as(result.stdout()).isNotZero();
    assertThat(result.stderr())
        .contains("image.repository is not set: no Tonnage image is published")
        .contains("image/build-image.sh REGISTRY/REPO:TAG")
        .contains("--set image.repository=REGISTRY/REPO --set image.tag=TAG");
    RenderedChart outOfCluster =
        render(
            KUBE_1_20,
            List.of("--set", "image.repository=", "--set", "webhook.url=https://127.0.0.1:8443"));
    assertThat(outOfCluster.one("Deployment").toString())
        .as("the out-of-cluster form runs the operator as a jar and needs no image")
        .contains("\"image\":\"tonnage:");
    assertThat(
            render(KUBE_1_20, List.of("--set", "image.repository=r.example/tonnage"))
                .one("Deployment")
                .toString())
        .contains("\"image\":\"r.example/tonnage:");
  }

  @Test
  void theSchemaRejectsValuesTheOperatorCannotUse() {
    assertRejected(List.of("--set", "webhook.failurePolicy=Maybe"), "failurePolicy");
    assertRejected(List.of("--set", "imagePullSecrets.read=namespaced"), "namespaces");
    assertRejected(List.of("--set", "webhook.url=http://127.0.0.1:8443"), "url");
    assertRejected(List.of("--set", "webhook.timeoutSeconds=31"), "timeoutSeconds");
    assertRejected(List.of("--set", "operator.logFormat=xml"), "logFormat");
    assertRejected(List.of("--set", "registry.insecure[0]=http://lab"), "insecure");
    assertRejected(List.of("--set", "webhok.enabled=false"), "webhok");
  }

  private static void assertRejected(List<String> args, String mentioned) {
    ProcessResult result = helm.template(KUBE_1_20, args);
    assertThat(result.exitCode()).as("helm template %s should fail", args).isNotZero();
    assertThat(result.stderr())
        .contains("values don't meet the specifications")
        .contains(mentioned);
  }

  private static RenderedChart render(String kubeVersion, List<String> args) {
    ProcessResult result = helm.template(kubeVersion, args).requireSuccess();
    return RenderedChart.parse(result.stdout());
  }

  private static String values(String resource) {
    return ValueSet.resource(resource).toString();
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
