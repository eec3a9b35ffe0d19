package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.metrics.TonnageMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventRecorderIT {

  static KubernetesClient client;

  private static final ObjectRef DEPLOYMENT =
      new ObjectRef("apps/v1", "Deployment", "shop", "api", "uid-1");
  private static final AdmissionEvent TOO_LARGE =
      new AdmissionEvent(
          AdmissionEvent.IMAGE_TOO_LARGE,
          "image registry.example/acme/api:3.4 is 812 MiB, over 500 MiB",
          new ObjectRef("tonnage.dev/v1alpha1", "ClusterImagePolicy", "", "slim", ""));

  @Test
  void recordsAWarningOnTheObjectNamingThePolicyAndCountsRepeatsOnOneEvent() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (KubernetesEventRecorder recorder =
        new KubernetesEventRecorder(
            client,
            new AdmissionMetrics(new TonnageMetrics(meters), meters),
            "tonnage-0",
            Clock.systemUTC())) {
      recorder.record(DEPLOYMENT, TOO_LARGE);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
      recorder.record(DEPLOYMENT, TOO_LARGE);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> events().get(0).getCount() == 2);
    }
    Event event = events().get(0);
    assertThat(events()).hasSize(1);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("ImageTooLarge");
    assertThat(event.getMessage()).contains("812 MiB");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Deployment");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("api");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
    assertThat(event.getRelated().getKind()).isEqualTo("ClusterImagePolicy");
    assertThat(event.getRelated().getName()).isEqualTo("slim");
    assertThat(event.getReportingInstance()).isEqualTo("tonnage-0");
    assertThat(event.getMetadata().getName()).startsWith("api.");
    assertThat(meters.get("tonnage.admission.events.dropped").counter().count()).isZero();
  }

  private static List<Event> events() {
    return client.v1().events().inNamespace("shop").list().getItems();
  }
}
