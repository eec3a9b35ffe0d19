package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ClusterCachesIT {

  static KubernetesClient client;

  @Test
  void answersNamespaceLabelsAndPullSecretsFromCachesThatFollowChanges() throws Exception {
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
    client
        .serviceAccounts()
        .inNamespace("shop")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("builder")
                .withNamespace("shop")
                .endMetadata()
                .addNewImagePullSecret("team-cred")
                .addNewImagePullSecret("missing")
                .build())
        .create();
    client
        .secrets()
        .inNamespace("shop")
        .resource(dockerConfig("pod-cred", "{\"auths\":{\"a.example\":{}}}"))
        .create();
    client
        .secrets()
        .inNamespace("shop")
        .resource(dockerConfig("team-cred", "{\"auths\":{\"b.example\":{}}}"))
        .create();

    try (ClusterCaches caches = ClusterCaches.start(client, Duration.ofSeconds(10))) {
      assertThat(caches.synced()).isTrue();
      assertThat(caches.labelsOf("shop")).containsEntry("env", "prod");
      assertThat(caches.labelsOf("unknown")).isEmpty();
      assertThat(caches.dockerConfigs("shop", "builder", List.of("pod-cred")))
          .containsExactly("{\"auths\":{\"a.example\":{}}}", "{\"auths\":{\"b.example\":{}}}");
      assertThat(caches.dockerConfigs("shop", "default", List.of("absent"))).isEmpty();
      assertThat(caches.dockerConfigs("other", "builder", List.of("pod-cred"))).isEmpty();

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

  private static io.fabric8.kubernetes.api.model.Secret dockerConfig(String name, String json) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(
            Map.of(
                ".dockerconfigjson",
                Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
        .build();
  }
}
