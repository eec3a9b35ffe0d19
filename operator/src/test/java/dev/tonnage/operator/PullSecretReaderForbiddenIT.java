package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import dev.tonnage.operator.OperatorConfig.PullSecretScope;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator whose RBAC does not match --read-pull-secrets says: one line, no trace. */
@EnableKubernetesMockClient
class PullSecretReaderForbiddenIT {

  static KubernetesMockServer server;
  static KubernetesClient client;

  /** Answers the next {@code times} access reviews (expectations outlive a test: no always()). */
  private void accessReviewsAnswer(boolean allowed, int times) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReturn(
            201,
            new SelfSubjectAccessReviewBuilder()
                .withNewStatus()
                .withAllowed(allowed)
                .endStatus()
                .build())
        .times(times);
  }

  @Test
  void withoutClusterWideGetOnSecretsStartStopsNamingThePermissionAndTheFlag() {
    accessReviewsAnswer(false, 1);

    assertThatThrownBy(
            () ->
                PullSecretReader.start(
                    client, new PullSecretAccess(PullSecretScope.CLUSTER, List.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "the API server forbids the operator to get secrets in every namespace")
        .hasMessageContaining("--read-pull-secrets (env TONNAGE_READ_PULL_SECRETS)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void withoutGetInAListedNamespaceStartNamesTheNamespaceFlag() {
    accessReviewsAnswer(false, 1);

    assertThatThrownBy(
            () ->
                PullSecretReader.start(
                    client, new PullSecretAccess(PullSecretScope.NAMESPACED, List.of("team-a"))))
        .hasMessageStartingWith(
            "the API server forbids the operator to get secrets in namespace team-a")
        .hasMessageContaining("--pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES)");
  }

  @Test
  void noneAsksNothing() {
    int before = server.getRequestCount();
    try (PullSecretReader reader =
        PullSecretReader.start(client, new PullSecretAccess(PullSecretScope.NONE, List.of()))) {
      assertThat(reader.dockerConfigs("shop", "default", List.of("cred"))).isEmpty();
    }
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @Test
  void aSecretTheOperatorMayNotGetIsSkippedNotFatal() {
    accessReviewsAnswer(true, 2);
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/shop/secrets/cred")
        .andReturn(
            403,
            new StatusBuilder().withCode(403).withMessage("secrets \"cred\" is forbidden").build())
        .always();

    try (PullSecretReader reader =
        PullSecretReader.start(client, new PullSecretAccess(PullSecretScope.CLUSTER, List.of()))) {
      assertThat(reader.dockerConfigs("shop", "", List.of("cred"))).isEmpty();
    }
  }
}
