package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import dev.tonnage.operator.OperatorConfig.PullSecretScope;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pull secrets fetched by name (fabric8's CRUD mock stands in for the API server). */
@EnableKubernetesMockClient(crud = true)
class PullSecretReaderIT {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void clusterReadsThePodsSecretsThenItsServiceAccountsByNameAndSkipsOthers() {
    account("shop", "builder", "team-cred", "missing");
    secret("shop", "pod-cred", "{\"auths\":{\"a.example\":{}}}");
    secret("shop", "team-cred", "{\"auths\":{\"b.example\":{}}}");
    client
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("opaque")
                .withNamespace("shop")
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("password", "c2VjcmV0"))
                .build())
        .create();

    try (PullSecretReader reader = reader(PullSecretScope.CLUSTER, List.of())) {
      assertThat(reader.dockerConfigs("shop", "builder", List.of("pod-cred", "opaque")))
          .containsExactly("{\"auths\":{\"a.example\":{}}}", "{\"auths\":{\"b.example\":{}}}");
      assertThat(reader.dockerConfigs("shop", "default", List.of("absent"))).isEmpty();
      assertThat(reader.dockerConfigs("other", "builder", List.of("pod-cred"))).isEmpty();
    }
    // Only GETs by name: no list or watch of Secrets.
    assertThat(server.getRequestCount()).isPositive();
  }

  @Test
  void aFetchedSecretIsKeptForItsTtlSoARepeatedReviewCallsNothing() throws Exception {
    secret("cache", "cred", "{\"auths\":{\"c.example\":{}}}");
    try (PullSecretReader reader = reader(PullSecretScope.CLUSTER, List.of())) {
      assertThat(reader.dockerConfigs("cache", "", List.of("cred"))).hasSize(1);
      int calls = server.getRequestCount();
      for (int i = 0; i < 5; i++) {
        assertThat(reader.dockerConfigs("cache", "", List.of("cred"))).hasSize(1);
      }
      assertThat(server.getRequestCount()).isEqualTo(calls);
    }
  }

  @Test
  void namespacedReadsOnlyTheListedNamespaces() {
    for (String namespace : List.of("team-a", "team-b")) {
      account(namespace, "default", "team-cred");
      secret(namespace, "team-cred", "{\"auths\":{\"" + namespace + "\":{}}}");
    }

    try (PullSecretReader reader = reader(PullSecretScope.NAMESPACED, List.of("team-a"))) {
      assertThat(reader.dockerConfigs("team-a", "default", List.of()))
          .containsExactly("{\"auths\":{\"team-a\":{}}}");
      int calls = server.getRequestCount();
      assertThat(reader.dockerConfigs("team-b", "default", List.of("team-cred"))).isEmpty();
      assertThat(server.getRequestCount()).as("nothing of team-b is fetched").isEqualTo(calls);
    }
  }

  @Test
  void noneReadsNothing() {
    secret("solo", "cred", "{\"auths\":{}}");
    try (PullSecretReader reader = reader(PullSecretScope.NONE, List.of())) {
      int calls = server.getRequestCount();
      assertThat(reader.dockerConfigs("solo", "default", List.of("cred"))).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(calls);
    }
  }

  private static PullSecretReader reader(PullSecretScope scope, List<String> namespaces) {
    return new PullSecretReader(client, new PullSecretAccess(scope, namespaces));
  }

  private static void account(String namespace, String name, String... secrets) {
    ServiceAccountBuilder account =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata();
    for (String secret : secrets) {
      account.addNewImagePullSecret(secret);
    }
    client.serviceAccounts().inNamespace(namespace).resource(account.build()).create();
  }

  private static void secret(String namespace, String name, String json) {
    Secret secret =
        new SecretBuilder()
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
    client.secrets().inNamespace(namespace).resource(secret).create();
  }
}
