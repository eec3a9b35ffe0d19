package dev.tonnage.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PrintComponentLogsOnFailure.class)
class KubeApiServerIT {

  private static final String OPERATOR_USER = "system:serviceaccount:tonnage:operator";

  private static KubeApiServer kube;

  @BeforeAll
  static void startControlPlane() {
    kube =
        KubeApiServer.builder()
            .identity("operator", OPERATOR_USER, "system:serviceaccounts")
            .start();
  }

  @AfterAll
  static void stopControlPlane() {
    kube.close();
  }

  @Test
  void kubectlTalksToTheApiServerAsAdmin() {
    ProcessResult namespaces = kube.kubectl("get", "namespaces", "-o", "name").requireSuccess();

    assertThat(namespaces.stdout()).contains("namespace/default", "namespace/kube-system");
    assertThat(kube.url()).startsWith("https://127.0.0.1:");
  }

  @Test
  void crdsAndCustomResourcesCanBeApplied() {
    kube.kubectlWithInput(
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.tonnage.dev
            spec:
              group: example.tonnage.dev
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            size: {type: integer}
            """,
            "apply",
            "-f",
            "-")
        .requireSuccess();
    kube.kubectl(
            "wait",
            "--for=condition=Established",
            "crd/widgets.example.tonnage.dev",
            "--timeout=30s")
        .requireSuccess();

    kube.kubectlWithInput(
            "apiVersion: example.tonnage.dev/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
            "apply",
            "-f",
            "-")
        .requireSuccess();

    assertThat(
            kube.kubectl("get", "widget", "w", "-o", "jsonpath={.spec.size}")
                .requireSuccess()
                .stdout())
        .isEqualTo("3");
  }

  @Test
  void identitiesAreSubjectToRbac() {
    ProcessResult before =
        kube.kubectl("--kubeconfig=" + kube.kubeconfigFor("operator"), "get", "configmaps");
    kube.kubectl("create", "clusterrole", "cm-reader", "--verb=get,list", "--resource=configmaps")
        .requireSuccess();
    kube.kubectl(
            "create",
            "clusterrolebinding",
            "cm-reader",
            "--clusterrole=cm-reader",
            "--user=" + OPERATOR_USER)
        .requireSuccess();
    ProcessResult after =
        kube.kubectl("--kubeconfig=" + kube.kubeconfigFor("operator"), "get", "configmaps");

    assertThat(before.exitCode()).isNotZero();
    assertThat(before.stderr()).contains("forbidden", OPERATOR_USER);
    assertThat(after.exitCode()).isZero();
  }

  @Test
  void tokensAuthenticateOverHttpsWithTheClusterCa() throws Exception {
    X509TrustManager trust = TrustedCertificates.trustManager(kube.caCertificate());
    OkHttpClient http =
        new OkHttpClient.Builder()
            .sslSocketFactory(TrustedCertificates.sslContext(trust).getSocketFactory(), trust)
            .build();
    Request whoami =
        new Request.Builder()
            .url(kube.url() + "/version")
            .header("Authorization", "Bearer " + kube.token("operator"))
            .build();

    try (Response response = http.newCall(whoami).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).contains("\"gitVersion\": \"v1.20.2\"");
    }
  }

  @Test
  void kubeconfigsCarryTheCaAndTheIdentityToken() throws Exception {
    Path kubeconfig = kube.kubeconfigFor("operator");

    assertThat(Files.readString(kubeconfig))
        .contains("server: " + kube.url())
        .contains("certificate-authority-data: ")
        .contains("token: " + kube.token("operator"));
  }

  @Test
  void podsCanBeCreatedDirectlyAndStayPending() {
    kube.kubectlWithInput(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 127.0.0.1:5000/app:1}]\n",
            "apply",
            "-f",
            "-")
        .requireSuccess();

    assertThat(
            kube.kubectl("get", "pod", "p", "-o", "jsonpath={.status.phase}")
                .requireSuccess()
                .stdout())
        .isEqualTo("Pending");
  }
}
