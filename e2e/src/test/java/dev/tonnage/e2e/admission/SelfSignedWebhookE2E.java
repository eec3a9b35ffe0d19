package dev.tonnage.e2e.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.ScratchDirectory;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --self-signed}: the operator makes its own CA, keeps it in a Secret, and registers it as
 * caBundle; with failurePolicy Fail the API server admits a Pod only if it can call the webhook
 * over TLS with that CA.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class SelfSignedWebhookE2E {

  private final Path repo = Checkout.root();
  private ScratchDirectory work;
  private KubeApiServer kube;
  private OperatorProcess operator;

  @AfterEach
  void stop() throws Exception {
    try (AutoCloseable w = work;
        AutoCloseable k = kube;
        AutoCloseable o = operator) {
      // closed in reverse order
    }
  }

  @Test
  void theApiServerCallsTheWebhookWithTheCaKeptInTheSecret() throws Exception {
    work = ScratchDirectory.create("self-signed-e2e");
    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
    Namespaces.create(kube, "tonnage");
    Namespaces.defaultServiceAccount(kube, "default");
    operator =
        OperatorProcess.start(
            repo,
            kube,
            work.path().resolve("operator.log"),
            "--self-signed",
            "--cert-dir",
            work.directory("certs").toString(),
            "--failure-policy",
            "Fail");

    String secretCa =
        kube.kubectl(
                "get",
                "secret",
                "tonnage-webhook-tls",
                "-n",
                "tonnage",
                "-o",
                "jsonpath={.data.ca\\.crt}")
            .requireSuccess()
            .stdout();
    String registeredCa =
        kube.kubectl(
                "get",
                "validatingwebhookconfiguration",
                "tonnage-validating",
                "-o",
                "jsonpath={.webhooks[0].clientConfig.caBundle}")
            .requireSuccess()
            .stdout();
    assertThat(registeredCa).isNotEmpty().isEqualTo(secretCa);
    assertThat(
            kube.kubectl(
                    "get",
                    "validatingwebhookconfiguration",
                    "tonnage-validating",
                    "-o",
                    "jsonpath={.webhooks[0].failurePolicy}")
                .stdout())
        .isEqualTo("Fail");

    kube.kubectlWithInput(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: through-webhook}\nspec:\n"
                + "  automountServiceAccountToken: false\n"
                + "  containers: [{name: main, image: \"registry.example/app:1\"}]\n",
            "apply",
            "-n",
            "default",
            "-f",
            "-")
        .requireSuccess();
    assertThat(operator.logs()).doesNotContain("Exception");
  }
}
