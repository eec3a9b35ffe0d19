package dev.tonnage.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.PolicyRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventWriterIT {

  static KubernetesClient client;

  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final WarningEvent TOO_LARGE =
      new WarningEvent(
          WarningEvent.reference("apps/v1", "Deployment", "shop", "api", "uid-1"),
          EventReason.ImageTooLarge,
          "ClusterImagePolicy slim: image registry.example/acme/api:3.4 is 812 MiB, over 500 MiB",
          WarningEvent.policyReference(PolicyRef.cluster("slim")),
          WarningEvent.ADMIT);

  private final AtomicInteger dropped = new AtomicInteger();
  private volatile Instant now = T0;

  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @BeforeEach
  void clean() {
    client.v1().events().inNamespace("shop").delete();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events().isEmpty());
  }

  @Test
  void recordsAWarningOnTheObjectNamingThePolicyFromTheOneComponent() {
    try (KubernetesEventWriter writer = writer()) {
      writer.warn(TOO_LARGE);
      awaitEvents(1);
    }
    Event event = events().get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("ImageTooLarge");
    assertThat(event.getMessage()).startsWith("ClusterImagePolicy slim: ").contains("812 MiB");
    assertThat(event.getAction()).isEqualTo("Admit");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Deployment");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("api");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
    assertThat(event.getRelated().getApiVersion()).isEqualTo("tonnage.dev/v1alpha1");
    assertThat(event.getRelated().getKind()).isEqualTo("ClusterImagePolicy");
    assertThat(event.getRelated().getName()).isEqualTo("slim");
    assertThat(event.getSource().getComponent()).isEqualTo(KubernetesEventWriter.COMPONENT);
    assertThat(event.getReportingComponent()).isEqualTo(KubernetesEventWriter.COMPONENT);
    assertThat(event.getReportingInstance()).isEqualTo("tonnage-0");
    assertThat(event.getMetadata().getName()).startsWith("api.");
    assertThat(dropped).hasValue(0);
  }

  @Test
  void repeatsFoldIntoOneEventWhoseCountIsPatchedAtMostEveryHalfMinute() {
    try (KubernetesEventWriter writer = writer()) {
      writer.warn(TOO_LARGE);
      awaitEvents(1);
      // Within the patch interval: counted, not yet written.
      writer.warn(TOO_LARGE);
      writer.warn(TOO_LARGE);
      now = T0.plus(KubernetesEventWriter.COUNT_PATCH_INTERVAL);
      writer.warn(TOO_LARGE);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(events()).extracting(Event::getCount).containsExactly(4));
      assertThat(events().get(0).getLastTimestamp()).isEqualTo(now.toString());

      // Past the series window: a new Event.
      now = T0.plus(KubernetesEventWriter.SERIES_WINDOW);
      writer.warn(TOO_LARGE);
      awaitEvents(2);
    }
    assertThat(events()).extracting(Event::getCount).containsExactlyInAnyOrder(4, 1);
  }

  @Test
  void anotherPolicyOrMessageIsAnotherEvent() {
    try (KubernetesEventWriter writer = writer()) {
      writer.warn(TOO_LARGE);
      writer.warn(
          new WarningEvent(
              TOO_LARGE.involved(),
              TOO_LARGE.reason(),
              TOO_LARGE.message(),
              WarningEvent.policyReference(PolicyRef.namespaced("shop", "team")),
              WarningEvent.AUDIT));
      writer.warn(
          new WarningEvent(
              TOO_LARGE.involved(),
              EventReason.ImageFactsUnavailable,
              "facts of image registry.example/acme/api:3.4 unavailable",
              TOO_LARGE.related(),
              WarningEvent.AUDIT));
      awaitEvents(3);
    }
  }

  @Test
  void anOverlongMessageIsCut() {
    try (KubernetesEventWriter writer = writer()) {
      writer.warn(
          new WarningEvent(
              TOO_LARGE.involved(),
              TOO_LARGE.reason(),
              "x".repeat(5000),
              TOO_LARGE.related(),
              WarningEvent.ADMIT));
      awaitEvents(1);
    }
    assertThat(events().get(0).getMessage())
        .hasSize(KubernetesEventWriter.MAX_MESSAGE_CHARS)
        .endsWith("…");
  }

  private KubernetesEventWriter writer() {
    return new KubernetesEventWriter(client, "tonnage-0", clock, dropped::incrementAndGet);
  }

  private static void awaitEvents(int count) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == count);
  }

  private static List<Event> events() {
    return client.v1().events().inNamespace("shop").list().getItems();
  }
}
