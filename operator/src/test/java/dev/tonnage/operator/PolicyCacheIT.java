package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.policy.CompiledPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PolicyCacheIT {

  static KubernetesClient client;

  @Test
  void servesClusterPoliciesEverywhereAndImagePoliciesInTheirNamespaceFollowingChanges()
      throws Exception {
    client.resource(cluster("slim", "500Mi")).create();
    client.resource(cluster("broken", "lots")).create();
    client.resource(namespaced("team-a", "small", "100Mi")).create();
    try (PolicyCache cache = PolicyCache.start(client, Duration.ofSeconds(10))) {
      assertThat(cache.synced()).isTrue();
      assertThat(names(cache, "team-a"))
          .containsExactly("ClusterImagePolicy slim", "ImagePolicy team-a/small");
      // The broken policy does not compile and is not in force; other namespaces see only
      // cluster policies.
      assertThat(names(cache, "team-b")).containsExactly("ClusterImagePolicy slim");

      client.resource(namespaced("team-b", "tiny", "10Mi")).create();
      client.resources(ClusterImagePolicy.class).withName("slim").delete();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> names(cache, "team-b").equals(java.util.List.of("ImagePolicy team-b/tiny")));
    }
  }

  @Test
  void anEditThatDoesNotCompileKeepsTheLastGoodVersionInForceUntilTheDeletion() throws Exception {
    client.resource(namespaced("team-c", "kept", "100Mi")).create();
    client.resource(namespaced("team-c", "marker", "100Mi")).create();
    try (PolicyCache cache = PolicyCache.start(client, Duration.ofSeconds(10))) {
      assertThat(names(cache, "team-c")).contains("ImagePolicy team-c/kept");

      client.resource(namespaced("team-c", "kept", "lots")).update();
      // An event that follows the edit: once it is seen, the edit was handled too.
      client.resources(ImagePolicy.class).inNamespace("team-c").withName("marker").delete();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !names(cache, "team-c").contains("ImagePolicy team-c/marker"));
      assertThat(names(cache, "team-c")).contains("ImagePolicy team-c/kept");

      client.resources(ImagePolicy.class).inNamespace("team-c").withName("kept").delete();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !names(cache, "team-c").contains("ImagePolicy team-c/kept"));
    }
  }

  private static java.util.List<String> names(PolicyCache cache, String namespace) {
    return cache.policiesFor(namespace).stream()
        .map(CompiledPolicy::ref)
        .map(Object::toString)
        .toList();
  }

  private static ClusterImagePolicy cluster(String name, String size) {
    return Serialization.unmarshal(
        "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: "
            + name
            + "}\nspec:\n  action: Enforce\n  limits: {maxCompressedSize: "
            + size
            + "}\n",
        ClusterImagePolicy.class);
  }

  private static ImagePolicy namespaced(String namespace, String name, String size) {
    return Serialization.unmarshal(
        "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: "
            + name
            + ", namespace: "
            + namespace
            + "}\nspec:\n  action: Warn\n  limits: {maxCompressedSize: "
            + size
            + "}\n",
        ImagePolicy.class);
  }
}
