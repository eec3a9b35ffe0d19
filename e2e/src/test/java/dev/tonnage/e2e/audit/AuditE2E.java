package dev.tonnage.e2e.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.ImagePolicyStatus;
import dev.tonnage.api.v1alpha1.RecordedViolation;
import dev.tonnage.e2e.abuse.PodReview;
import dev.tonnage.e2e.abuse.WebhookAnswer;
import dev.tonnage.e2e.abuse.WebhookClient;
import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.prometheus.PrometheusServer;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1beta1.CronJobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit end to end: a real kube-apiserver and registry, the operator jar as a process, Pods
 * created directly (they stay Pending: no kubelet) under real owner chains, and a real Prometheus
 * scraping the operator. Proves statuses, printer columns, Events on owners and image metrics.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class AuditE2E {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path REPO = Checkout.root();

  static RegistryServer registry;
  static KubeApiServer kube;
  static OperatorProcess operator;
  static PrometheusServer prometheus;
  static ScratchDirectory scratch;
  static KubernetesClient client;
  static PushedImage small;
  static PushedImage big;
  static int metricsPort;
  static CertificateAuthority ca;

  @BeforeAll
  static void startEverything() throws Exception {
    scratch = ScratchDirectory.create("audit-e2e");
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      small = images.push("apps/small:1", ImageSpec.singleLayer("etc/motd", "small"));
      big =
          images.push(
              "apps/big:1",
              ImageSpec.builder()
                  .layer(
                      LayerSpec.gzip(
                          TarArchive.builder().randomFile("opt/blob", 3 << 20, 42).build()),
                      "COPY blob /opt/")
                  .build());
    }
    kube = KubeApiServer.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
            .build();
    kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
    for (String ns : List.of("tonnage", "shop", "team")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    workloads();
    policies();

    Path cert = scratch.path().resolve("webhook.crt");
    Path key = scratch.path().resolve("webhook.key");
    ca = CertificateAuthority.create("audit e2e CA");
    ca.issueServerCertificate("tonnage", List.of("localhost"), List.of("127.0.0.1"))
        .writePem(cert, key);
    operator =
        OperatorProcess.builder(REPO, kube)
            .logFile(scratch.path().resolve("operator.log"))
            .registerWebhooks(false)
            .flags(
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--insecure-registry",
                registry.hostPort(),
                "--audit-debounce",
                "1s")
            .start();
    metricsPort = operator.metricsPort();
    prometheus =
        PrometheusServer.builder()
            .target("127.0.0.1:" + metricsPort)
            .scrapeInterval(Duration.ofSeconds(1))
            .start();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try (AutoCloseable p = prometheus;
        AutoCloseable o = operator;
        AutoCloseable c = client;
        AutoCloseable k = kube;
        AutoCloseable r = registry;
        AutoCloseable s = scratch) {
      // closed in reverse order, each even when another fails
    }
  }

  @Test
  void theClusterPolicyListsTheOversizedWorkloadsByOwner() {
    ImagePolicyStatus status = awaitClusterStatus("slim");
    assertThat(status.getSummary().getWorkloads()).isEqualTo(3);
    assertThat(status.getSummary().getImages()).isEqualTo(2);
    assertThat(status.getSummary().getViolations()).isEqualTo(2);
    assertThat(status.getSummary().getUnresolved()).isZero();
    assertThat(status.getViolations())
        .extracting(v -> v.getNamespace() + "/" + v.getKind() + "/" + v.getName())
        .containsExactlyInAnyOrder("shop/Deployment/web", "team/CronJob/report");
    assertThat(status.getViolations())
        .extracting(RecordedViolation::getRule)
        .containsOnly("MAX_COMPRESSED_SIZE");
    assertThat(status.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("Active");
            });
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    // Leader election is on by default: the process holds the audit Lease in its namespace.
    assertThat(client.leases().inNamespace("tonnage").withName("tonnage-audit").get())
        .satisfies(lease -> assertThat(lease.getSpec().getHolderIdentity()).isNotBlank());
    assertThat(status.getLastAuditTime()).isNotBlank();
  }

  @Test
  void theImagePolicySeesOnlyItsOwnNamespace() {
    ImagePolicyStatus status =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    statusOf(
                        client.resources(ImagePolicy.class).inNamespace("team").withName("team")),
                s -> s != null && s.getSummary() != null);
    assertThat(status.getSummary().getWorkloads()).isEqualTo(1);
    assertThat(status.getViolations())
        .singleElement()
        .satisfies(v -> assertThat(v.getKind() + "/" + v.getName()).isEqualTo("CronJob/report"));
  }

  @Test
  void kubectlShowsThePrinterColumns() {
    awaitClusterStatus("slim");
    String table = kube.kubectl("get", "cimp", "slim").requireSuccess().stdout();
    List<String> lines = table.lines().toList();
    // Header cells are separated by two or more spaces ("MAX SIZE" has one); values have none.
    List<String> header = List.of(lines.get(0).trim().split("\\s{2,}"));
    List<String> row = List.of(lines.get(1).trim().split("\\s+"));
    assertThat(header)
        .containsExactlyInAnyOrder("NAME", "ACTION", "MAX SIZE", "VIOLATIONS", "READY", "AGE");
    Map<String, String> columns = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      columns.put(header.get(i), row.get(i));
    }
    assertThat(columns)
        .containsEntry("NAME", "slim")
        .containsEntry("ACTION", "Audit")
        .containsEntry("MAX SIZE", "1Mi")
        .containsEntry("VIOLATIONS", "2")
        .containsEntry("READY", "True");
  }

  @Test
  void eventsLandOnTheOwningWorkloads() {
    awaitClusterStatus("slim");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace("shop").list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("ImageTooLarge");
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                          assertThat(e.getMessage())
                              .startsWith("ClusterImagePolicy slim: ")
                              .contains(big.reference());
                        }));
    String described = kube.kubectl("describe", "deployment", "web", "-n", "shop").stdout();
    assertThat(described).contains("ImageTooLarge");
  }

  @Test
  void prometheusGetsEachImagesCompressedSize() {
    for (PushedImage image : List.of(small, big)) {
      JsonNode series =
          prometheus.awaitSeries(
              "tonnage_image_compressed_size_bytes{image=\"" + image.reference() + "\"}", WAIT);
      assertThat(series.get(0).path("value").get(1).asDouble())
          .isEqualTo((double) image.single().compressedSize());
    }
  }

  @Test
  void relabellingANamespaceReAuditsThePolicyThatNowSelectsItWithoutWaitingForTheInterval() {
    ImagePolicyStatus before = awaitClusterStatus("team-only");
    assertThat(before.getSummary().getWorkloads()).isZero();
    client
        .namespaces()
        .withName("team")
        .edit(
            ns -> {
              Map<String, String> labels = new HashMap<>();
              if (ns.getMetadata().getLabels() != null) {
                labels.putAll(ns.getMetadata().getLabels());
              }
              labels.put("env", "prod");
              ns.getMetadata().setLabels(labels);
              return ns;
            });
    // The interval is 10 minutes: only the label change can re-audit within the wait.
    ImagePolicyStatus after =
        await()
            .atMost(WAIT)
            .until(
                () -> statusOf(client.resources(ClusterImagePolicy.class).withName("team-only")),
                s -> s != null && s.getSummary() != null && s.getSummary().getViolations() == 1);
    assertThat(after.getViolations())
        .singleElement()
        .satisfies(v -> assertThat(v.getKind() + "/" + v.getName()).isEqualTo("CronJob/report"));
  }

  /**
   * After an audit and an admission review, every metric the chart's dashboard and alert rules
   * query is on the operator's /metrics.
   */
  @Test
  void everyMetricTheDashboardAndAlertRulesQueryIsExported() throws Exception {
    awaitClusterStatus("slim");
    WebhookAnswer answer =
        new WebhookClient(ca.clientSslContext(), operator.webhookPort())
            .validate(PodReview.create("shop", "probe", small.reference()));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);

    Set<String> queried = new TreeSet<>();
    Path chart = REPO.resolve("helm/tonnage/files");
    new ObjectMapper()
        .readTree(chart.resolve("grafana-dashboard.json").toFile())
        .findValues("expr")
        .forEach(expr -> queried.addAll(PromQlNames.of(expr.asText())));
    for (JsonNode group :
        new ObjectMapper(new YAMLFactory())
            .readTree(chart.resolve("alert-rules.yaml").toFile())
            .path("groups")) {
      group
          .path("rules")
          .forEach(rule -> queried.addAll(PromQlNames.of(rule.path("expr").asText())));
    }
    assertThat(queried)
        .as("the names parsed from the dashboard and the rules")
        .contains(
            "tonnage_admission_reviews_total",
            "tonnage_admission_duration_seconds_bucket",
            "tonnage_image_compressed_size_bytes",
            "cache_gets_total")
        .containsAll(NEEDS_RATE_LIMIT_HEADERS);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Set<String> exported = exportedNames();
              Set<String> missing = new TreeSet<>();
              for (String name : queried) {
                if (!NEEDS_RATE_LIMIT_HEADERS.contains(name) && !exported.contains(name)) {
                  missing.add(name);
                }
              }
              assertThat(missing).as("queried but not exported").isEmpty();
            });
  }

  /**
   * Exported only once a registry sends rate-limit headers, which the local registry does not;
   * TonnageMetricsTest proves their names.
   */
  private static final Set<String> NEEDS_RATE_LIMIT_HEADERS =
      Set.of("tonnage_registry_ratelimit_remaining", "tonnage_registry_ratelimit_limit");

  /** The sample names on /metrics, histogram series (_bucket, _sum, _count) included. */
  private static Set<String> exportedNames() throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Set<String> names = new HashSet<>();
    text.lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private static ImagePolicyStatus awaitClusterStatus(String name) {
    return await()
        .atMost(WAIT)
        .until(
            () -> statusOf(client.resources(ClusterImagePolicy.class).withName(name)),
            s -> s != null && s.getSummary() != null);
  }

  private static <P extends CustomResource<ImagePolicySpec, ImagePolicyStatus>>
      ImagePolicyStatus statusOf(Resource<P> resource) {
    P policy = resource.get();
    return policy == null ? null : policy.getStatus();
  }

  /**
   * shop: Deployment web (ReplicaSet, two Pods) on the big image, a bare Pod on the small one;
   * team: CronJob report (Job, one Pod) on the big image.
   */
  private static void workloads() {
    var deployment =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "web")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "web")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage(big.reference())
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    var replicaSet =
        client
            .apps()
            .replicaSets()
            .inNamespace("shop")
            .resource(
                new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withName("web-5d9c8f7b6")
                    .withOwnerReferences(owner(deployment))
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "web")
                    .endSelector()
                    .withTemplate(deployment.getSpec().getTemplate())
                    .endSpec()
                    .build())
            .create();
    for (String suffix : List.of("a1b2c", "d3e4f")) {
      createPod("shop", "web-5d9c8f7b6-" + suffix, big.reference(), owner(replicaSet));
    }
    createPod("shop", "tool", small.reference(), null);

    // batch/v1beta1: the API server under test is 1.20, where CronJob is not yet batch/v1.
    var cronJob =
        client
            .batch()
            .v1beta1()
            .cronjobs()
            .inNamespace("team")
            .resource(
                new CronJobBuilder()
                    .withNewMetadata()
                    .withName("report")
                    .endMetadata()
                    .withNewSpec()
                    .withSchedule("0 * * * *")
                    .withNewJobTemplate()
                    .withNewSpec()
                    .withNewTemplate()
                    .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                    .withName("report")
                    .withImage(big.reference())
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .endJobTemplate()
                    .endSpec()
                    .build())
            .create();
    var job =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace("team")
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("report-29000000")
                    .withOwnerReferences(owner(cronJob))
                    .endMetadata()
                    .withSpec(cronJob.getSpec().getJobTemplate().getSpec())
                    .build())
            .create();
    createPod("team", "report-29000000-x7k2p", big.reference(), owner(job));
  }

  /**
   * Only {@code slim} sets an uncompressed limit: the uncompressed series it exports must survive
   * the audits of the other policies, which do not read uncompressed sizes.
   */
  private static void policies() {
    String yaml =
        """
        apiVersion: tonnage.dev/v1alpha1
        kind: ClusterImagePolicy
        metadata: {name: slim}
        spec:
          action: Audit
          exclude: {namespaces: [tonnage]}
          limits: {maxCompressedSize: 1Mi, maxUncompressedSize: 1Gi}
        ---
        apiVersion: tonnage.dev/v1alpha1
        kind: ClusterImagePolicy
        metadata: {name: team-only}
        spec:
          action: Audit
          match: {namespaceSelector: {matchLabels: {env: prod}}}
          limits: {maxCompressedSize: 1Mi}
        ---
        apiVersion: tonnage.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: team, namespace: team}
        spec:
          action: Audit
          limits: {maxCompressedSize: 1Mi}
        """;
    kube.apply(yaml).requireSuccess();
  }

  private static void createPod(String namespace, String name, String image, OwnerReference owner) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec();
    if (owner != null) {
      pod.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    Pod created = client.pods().inNamespace(namespace).resource(pod.build()).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  private static OwnerReference owner(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }
}
