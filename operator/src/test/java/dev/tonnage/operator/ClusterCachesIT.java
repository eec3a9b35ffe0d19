package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ClusterCachesIT {

  static KubernetesClient client;

  @Test
  void answersNamespaceLabelsFromACacheThatFollowsChanges() throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .addToLabels("env", "prod")
                .endMetadata()
                .build())
        .create();

    try (ClusterCaches caches = ClusterCaches.start(client, Duration.ofSeconds(10))) {
      assertThat(caches.synced()).isTrue();
      assertThat(caches.labelsOf("shop")).containsEntry("env", "prod");
      assertThat(caches.labelsOf("unknown")).isEmpty();

      client
          .namespaces()
          .withName("shop")
          .edit(
              n ->
                  new NamespaceBuilder(n)
                      .editMetadata()
                      .addToLabels("tonnage.dev/ignore", "true")
                      .endMetadata()
                      .build());
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "true".equals(caches.labelsOf("shop").get("tonnage.dev/ignore")));
    }
  }
}
