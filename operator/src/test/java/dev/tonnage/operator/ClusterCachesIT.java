package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import dev.tonnage.operator.OperatorConfig.PullSecretScope;
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

  private static final PullSecretAccess CLUSTER_WIDE =
      new PullSecretAccess(PullSecretScope.CLUSTER, List.of());

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

    try (ClusterCaches caches = ClusterCaches.start(client, CLUSTER_WIDE, Duration.ofSeconds(10))) {
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

  @Test
  void namespacedReadsPullSecretsOnlyInTheListedNamespaces() throws Exception {
    for (String namespace : List.of("team-a", "team-b")) {
      client
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("default")
                  .withNamespace(namespace)
                  .endMetadata()
                  .addNewImagePullSecret("team-cred")
                  .build())
          .create();
      client
          .secrets()
          .inNamespace(namespace)
          .resource(dockerConfig(namespace, "team-cred", "{\"auths\":{\"" + namespace + "\":{}}}"))
          .create();
    }

    try (ClusterCaches caches =
        ClusterCaches.start(
            client,
            new PullSecretAccess(PullSecretScope.NAMESPACED, List.of("team-a")),
            Duration.ofSeconds(10))) {
      assertThat(caches.synced()).isTrue();
      assertThat(caches.dockerConfigs("team-a", "default", List.of()))
          .containsExactly("{\"auths\":{\"team-a\":{}}}");
      assertThat(caches.dockerConfigs("team-b", "default", List.of("team-cred"))).isEmpty();
    }
  }

  @Test
  void noneReadsNoSecretsAndAnswersNoCredentials() throws Exception {
    client
        .secrets()
        .inNamespace("solo")
        .resource(dockerConfig("solo", "cred", "{\"auths\":{}}"))
        .create();

    try (ClusterCaches caches =
        ClusterCaches.start(
            client,
            new PullSecretAccess(PullSecretScope.NONE, List.of()),
            Duration.ofSeconds(10))) {
      assertThat(caches.synced()).isTrue();
      assertThat(caches.dockerConfigs("solo", "default", List.of("cred"))).isEmpty();
    }
  }

  private static io.fabric8.kubernetes.api.model.Secret dockerConfig(String name, String json) {
    return dockerConfig("shop", name, json);
  }

  private static io.fabric8.kubernetes.api.model.Secret dockerConfig(
      String namespace, String name, String json) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(
            Map.of(
                ".dockerconfigjson",
                Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
        .build();
  }
}
