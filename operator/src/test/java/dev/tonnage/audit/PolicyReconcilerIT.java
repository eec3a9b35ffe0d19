package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicyStatus;
import dev.tonnage.api.v1alpha1.PolicyMatch;
import dev.tonnage.events.KubernetesEventWriter;
import dev.tonnage.events.WarningEvent;
import dev.tonnage.facts.FactsService;
import dev.tonnage.registry.RegistryCredentials;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler under JOSDK against the fabric8 mock server in CRUD mode (watches, status
 * subresource; no server-side apply, so status patches use JSON edits here): Pods and owners are
 * read from informers, the status is written, Events land on owners, Pod changes re-audit.
 */
class PolicyReconcilerIT {

  private static final long MIB = 1024 * 1024;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private AuditOperator operator;
  private KubernetesEventWriter events;
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final FakeFactsSource registry =
      new FakeFactsSource(50 * MIB)
          .size("ghcr.io/acme/web:1.4", 400 * MIB)
          .size("ghcr.io/acme/web:1.5", 300 * MIB)
          .size("postgres:16", 150 * MIB)
          .size("ghcr.io/acme/huge:1", 900 * MIB);

  @BeforeEach
  void start() throws Exception {
    List<CustomResourceDefinitionContext> crds =
        List.of(crd(ClusterImagePolicy.class, "Cluster"), crd(ImagePolicy.class, "Namespaced"));
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations, crds),
            false);
    server.init();
    client = server.createClient();
    for (String ns : List.of("shop", "monitoring", "default")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    try (InputStream in = getClass().getResourceAsStream("/audit/cluster.yaml")) {
      for (HasMetadata item : Serialization.unmarshal(in, KubernetesList.class).getItems()) {
        client.resource(item).create();
      }
    }
    events = new KubernetesEventWriter(client, "test-replica", Clock.systemUTC(), () -> {});
    operator =
        AuditOperator.builder(client)
            .facts(new FactsService(registry, Clock.systemUTC()), RegistryCredentials.anonymous())
            .events(events)
            .metrics(metrics)
            .settings(AuditSettings.defaults().withDebounce(Duration.ofMillis(300)))
            .serverSideApply(false)
            .identity("test-replica")
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    events.close();
    client.close();
    server.destroy();
  }

  @Test
  void aPolicyGetsItsViolationsSummaryAndReadyCondition() {
    client.resource(TestingPolicies.cluster("slim", "100Mi")).create();
    ImagePolicyStatus status = awaitStatus("slim", s -> s.getSummary() != null);
    assertThat(AuditStatus.of(status).summary()).isEqualTo(new AuditStatus.Summary(7, 11, 3, 0));
    assertThat(status.getViolations())
        .extracting(
            v ->
                v.getNamespace()
                    + "/"
                    + v.getKind()
                    + "/"
                    + v.getName()
                    + " "
                    + v.getContainer()
                    + " "
                    + v.getImage())
        .containsExactly(
            "shop/Deployment/web app ghcr.io/acme/web:1.4",
            "shop/Deployment/web app ghcr.io/acme/web:1.5",
            "shop/StatefulSet/db postgres postgres:16");
    assertThat(status.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("Active");
            });
    assertThat(status.getObservedGeneration()).isNotNull();
  }

  @Test
  void violationsRecordOneWarningEventPerWorkloadImageAndReasonOnTheOwner() {
    client.resource(TestingPolicies.cluster("slim", "100Mi")).create();
    awaitStatus("slim", s -> s.getSummary() != null);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace("shop").list().getItems())
                    .extracting(
                        e ->
                            e.getInvolvedObject().getKind()
                                + "/"
                                + e.getInvolvedObject().getName()
                                + " "
                                + e.getReason())
                    .containsExactlyInAnyOrder(
                        "Deployment/web ImageTooLarge",
                        "Deployment/web ImageTooLarge",
                        "StatefulSet/db ImageTooLarge"));
    Event event = client.v1().events().inNamespace("shop").list().getItems().get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getSource().getComponent()).isEqualTo(KubernetesEventWriter.COMPONENT);
    assertThat(event.getAction()).isEqualTo(WarningEvent.AUDIT);
    assertThat(event.getRelated().getName()).isEqualTo("slim");
    assertThat(event.getMessage()).startsWith("ClusterImagePolicy slim: ");
  }

  @Test
  void relabellingANamespaceReAuditsThePoliciesWhoseNamespaceSelectorItNowMatches() {
    ClusterImagePolicy prod = TestingPolicies.cluster("prod-only", "100Mi");
    PolicyMatch match = new PolicyMatch();
    match.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("env", "prod").build());
    prod.getSpec().setMatch(match);
    client.resource(prod).create();
    ImagePolicyStatus before = awaitStatus("prod-only", s -> s.getSummary() != null);
    assertThat(before.getSummary().getViolations()).isZero();

    client
        .namespaces()
        .withName("shop")
        .edit(
            ns -> {
              ns.getMetadata().setLabels(Map.of("env", "prod"));
              return ns;
            });

    // Well before the 10-minute interval: the label change itself triggers the audit.
    ImagePolicyStatus after =
        awaitStatus(
            "prod-only", s -> s.getSummary() != null && s.getSummary().getViolations() == 3);
    assertThat(after.getViolations()).extracting(v -> v.getNamespace()).containsOnly("shop");
  }

  @Test
  void aNewPodReAuditsThePolicyAfterTheDebounceWindow() {
    client.resource(TestingPolicies.cluster("slim", "100Mi")).create();
    awaitStatus("slim", s -> s.getSummary() != null);
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("huge")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("huge")
                .withImage("ghcr.io/acme/huge:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
    ImagePolicyStatus status =
        awaitStatus("slim", s -> s.getSummary() != null && s.getSummary().getViolations() == 4);
    assertThat(status.getViolations().get(0).getName()).isEqualTo("huge");
    assertThat(status.getViolations().get(0).getKind()).isEqualTo("Pod");
  }

  @Test
  void aSpecThatDoesNotCompileIsReadyFalseInvalidSpecNamingTheField() {
    client
        .resource(
            TestingPolicies.withBadGlob(TestingPolicies.cluster("broken", "100Mi"), "ghcr.io/***"))
        .create();
    ImagePolicyStatus status = awaitStatus("broken", s -> s.getConditions() != null);
    assertThat(status.getConditions().get(0).getReason()).isEqualTo("InvalidSpec");
    assertThat(status.getConditions().get(0).getStatus()).isEqualTo("False");
    assertThat(status.getConditions().get(0).getMessage()).startsWith("spec.match.images[0]: ");
    assertThat(status.getSummary()).isNull();
  }

  @Test
  void anEditThatDoesNotCompileSaysWhichEarlierGenerationStaysInForce() {
    client.resource(TestingPolicies.cluster("edited", "100Mi")).create();
    awaitStatus("edited", s -> s.getSummary() != null);
    ClusterImagePolicy current =
        client.resources(ClusterImagePolicy.class).withName("edited").get();
    long good = current.getMetadata().getGeneration();

    TestingPolicies.withBadGlob(current, "ghcr.io/***");
    current.getMetadata().setGeneration(good + 1);
    client.resource(current).update();

    ImagePolicyStatus status =
        awaitStatus(
            "edited",
            s ->
                s.getConditions() != null
                    && "InvalidSpec".equals(s.getConditions().get(0).getReason()));
    assertThat(status.getConditions().get(0).getStatus()).isEqualTo("False");
    assertThat(status.getConditions().get(0).getMessage())
        .startsWith("generation " + good + " stays in force until the spec compiles again: ")
        .contains("spec.match.images[0]: ");
    assertThat(status.getObservedGeneration()).isGreaterThan(good);
    // The findings of the generation in force stay.
    assertThat(status.getSummary()).isNotNull();
  }

  @Test
  void anImagePolicyAuditsOnlyItsOwnNamespace() {
    client.resource(TestingPolicies.namespaced("shop", "team", "200Mi")).create();
    ImagePolicy policy =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    client.resources(ImagePolicy.class).inNamespace("shop").withName("team").get(),
                p -> p != null && p.getStatus() != null && p.getStatus().getSummary() != null);
    assertThat(AuditStatus.of(policy.getStatus()).summary())
        .isEqualTo(new AuditStatus.Summary(3, 6, 2, 0));
  }

  @Test
  void aDeletedPolicyLosesItsMetricSeries() {
    client.resource(TestingPolicies.cluster("slim", "100Mi")).create();
    awaitStatus("slim", s -> s.getSummary() != null);
    assertThat(metrics.images()).isNotEmpty();
    client.resources(ClusterImagePolicy.class).withName("slim").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.images().isEmpty());
    assertThat(metrics.violations).isEmpty();
  }

  @Test
  void withALeaseOnlyOneOfTwoReplicasAudits() {
    operator.close();
    operator = null;
    AuditOperator first = replica("replica-a").start();
    AuditOperator second = replica("replica-b").start();
    try {
      client.resource(TestingPolicies.cluster("slim", "100Mi")).create();
      awaitStatus("slim", s -> s.getSummary() != null);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> first.statusWrites() + second.statusWrites() == 1);
      assertThat(client.leases().inNamespace("default").withName("tonnage-audit").get())
          .satisfies(
              lease ->
                  assertThat(lease.getSpec().getHolderIdentity()).isIn("replica-a", "replica-b"));
    } finally {
      first.close();
      second.close();
    }
  }

  private AuditOperator replica(String identity) {
    return AuditOperator.builder(client)
        .facts(new FactsService(registry, Clock.systemUTC()), RegistryCredentials.anonymous())
        .settings(AuditSettings.defaults().withDebounce(Duration.ofMillis(300)))
        .serverSideApply(false)
        .identity(identity)
        .leaderElection("tonnage-audit", "default")
        .build();
  }

  private ImagePolicyStatus awaitStatus(
      String name, java.util.function.Predicate<ImagePolicyStatus> done) {
    // Generous: a replica acquires the Lease before it audits, which a loaded machine slows down.
    return await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> {
              ClusterImagePolicy p =
                  client.resources(ClusterImagePolicy.class).withName(name).get();
              return p == null ? null : p.getStatus();
            },
            s -> s != null && done.test(s));
  }

  private static CustomResourceDefinitionContext crd(
      Class<? extends HasMetadata> type, String scope) {
    return new CustomResourceDefinitionContext.Builder()
        .withGroup(HasMetadata.getGroup(type))
        .withVersion(HasMetadata.getVersion(type))
        .withKind(HasMetadata.getKind(type))
        .withPlural(HasMetadata.getPlural(type))
        .withScope(scope)
        .withStatusSubresource(true)
        .build();
  }
}
