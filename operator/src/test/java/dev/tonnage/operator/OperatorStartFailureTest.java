package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** A start-up that the API server refuses, or that cannot reach it, ends with one clear line. */
class OperatorStartFailureTest {

  @Test
  void anUnreachableApiServerIsNamedWithTheCauseOnOneLine() {
    KubernetesClientException e =
        new KubernetesClientException(
            "Operation: [get]  for kind: [Secret]  with name: [tonnage-webhook-tls]  in namespace:"
                + " [t]  failed.",
            new IllegalStateException("wrapped", new ConnectException("Connection refused")));

    assertThat(OperatorCommand.startFailure(e))
        .isEqualTo(
            "cannot start: Operation: [get]  for kind: [Secret]  with name: [tonnage-webhook-tls]"
                + "  in namespace: [t]  failed. (java.net.ConnectException: Connection refused);"
                + " check --kubeconfig (or the Pod's service account) and the operator's RBAC");
  }

  @Test
  void aRefusedRequestNamesTheHttpStatusAndTheApiServersReason() {
    KubernetesClientException e =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(403)
                .withMessage("secrets \"tonnage-webhook-tls\" is forbidden")
                .build());

    assertThat(OperatorCommand.startFailure(e))
        .contains("(HTTP 403: secrets \"tonnage-webhook-tls\" is forbidden)")
        .doesNotContain("\n");
  }
}
