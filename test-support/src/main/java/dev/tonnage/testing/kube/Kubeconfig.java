package dev.tonnage.testing.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The kubeconfig YAML of one identity, read alike by kubectl, helm and fabric8. */
final class Kubeconfig {

  private Kubeconfig() {}

  static String yaml(String serverUrl, String caCertificatePem, KubeIdentity identity) {
    String ca =
        Base64.getEncoder().encodeToString(caCertificatePem.getBytes(StandardCharsets.US_ASCII));
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: tonnage-test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: %s
          context:
            cluster: tonnage-test
            user: %s
            namespace: default
        current-context: %s
        """
        .formatted(
            serverUrl,
            ca,
            identity.name(),
            identity.token(),
            identity.name(),
            identity.name(),
            identity.name());
  }
}
