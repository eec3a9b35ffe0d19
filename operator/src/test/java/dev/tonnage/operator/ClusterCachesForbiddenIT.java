package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import dev.tonnage.operator.OperatorConfig.PullSecretScope;
import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator whose RBAC does not match --read-pull-secrets says at start: one line. */
@EnableKubernetesMockClient
class ClusterCachesForbiddenIT {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void aForbiddenClusterWideSecretListNamesThePermissionAndTheFlag() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces?limit=1")
        .andReturn(200, new NamespaceListBuilder().withNewMetadata().endMetadata().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/serviceaccounts?limit=1")
        .andReturn(200, new ServiceAccountListBuilder().withNewMetadata().endMetadata().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Fdockerconfigjson&limit=1")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "secrets is forbidden: User \"system:serviceaccount:tonnage:tonnage\" cannot"
                        + " list resource \"secrets\" in API group \"\" at the cluster scope")
                .build())
        .always();

    assertThatThrownBy(
            () ->
                ClusterCaches.start(
                    client,
                    new PullSecretAccess(PullSecretScope.CLUSTER, List.of()),
                    Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "the API server forbids the operator to list secrets in every namespace")
        .hasMessageContaining("--read-pull-secrets (env TONNAGE_READ_PULL_SECRETS)")
        .hasMessageContaining("at the cluster scope")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aForbiddenNamespaceNamesTheNamespaceFlag() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces?limit=1")
        .andReturn(200, new NamespaceListBuilder().withNewMetadata().endMetadata().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/team-a/serviceaccounts?limit=1")
        .andReturn(
            403,
            new StatusBuilder().withCode(403).withMessage("serviceaccounts is forbidden").build())
        .always();

    assertThatThrownBy(
            () ->
                ClusterCaches.start(
                    client,
                    new PullSecretAccess(PullSecretScope.NAMESPACED, List.of("team-a")),
                    Duration.ofSeconds(5)))
        .hasMessageStartingWith(
            "the API server forbids the operator to list serviceaccounts in namespace team-a")
        .hasMessageContaining("--pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES)");
  }
}
