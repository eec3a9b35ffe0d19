package dev.tonnage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.image.FetchedManifest;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.IndexSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.image.MediaTypes;
import dev.tonnage.testing.image.OciLayoutImage;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.prometheus.PrometheusServer;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the machine can run every real component the e2e suite needs: a failure here is an
 * environment problem (run e2e/env/provision.sh), not a Tonnage bug.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class EnvironmentSmokeE2E {

  private RegistryServer registry;
  private KubeApiServer kube;
  private PrometheusServer prometheus;

  @AfterEach
  void stopComponents() {
    try (AutoCloseable r = registry;
        AutoCloseable k = kube;
        AutoCloseable p = prometheus) {
      // closed in reverse order, each even when another fails
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop a component", e);
    }
  }

  @ParameterizedTest
  @EnumSource(RegistryMode.class)
  void registryServesAPushedImageInEveryMode(RegistryMode mode) {
    registry = RegistryServer.start(mode);

    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed =
          images.push(
              "smoke/app:1",
              IndexSpec.builder(ManifestFormat.OCI)
                  .image(
                      ImageSpec.builder()
                          .platform("linux/amd64")
                          .layer(LayerSpec.gzipFile("etc/motd", "amd64"), "COPY motd /etc/")
                          .build())
                  .image(
                      ImageSpec.builder()
                          .platform("linux/arm64/v8")
                          .layer(LayerSpec.gzipFile("etc/motd", "arm64"), "COPY motd /etc/")
                          .build())
                  .withAttestations()
                  .build());
      FetchedManifest index = images.client().manifest("smoke/app", "1");
      FetchedManifest arm64 =
          images.client().manifest("smoke/app", pushed.platform("linux/arm64/v8").digest());

      assertThat(index.digest()).isEqualTo(pushed.digest());
      assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
      assertThat(arm64.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(pushed.attestations()).hasSize(2);
    }
  }

  @Test
  void skopeoCopiesAnUmociImageIntoTheRegistry() {
    registry = RegistryServer.start(RegistryMode.BASIC);

    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed =
          images.pushWithSkopeo(
              "smoke/umoci:1",
              OciLayoutImage.builder()
                  .layer(Map.of("etc/motd", "umoci\n"), "COPY motd /etc/motd")
                  .build(),
              true);

      assertThat(pushed.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(images.skopeoInspectRaw(pushed.reference()))
          .isEqualTo(images.client().manifest("smoke/umoci", "1").text());
      assertThat(pushed.single().layers().get(0).createdBy()).isEqualTo("COPY motd /etc/motd");
    }
  }

  @Test
  void kubeApiServerAcceptsACrdANamespaceAndACustomResource() throws IOException {
    kube = KubeApiServer.start();

    kube.kubectlWithInput(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: smoke
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: smokes.e2e.tonnage.dev
            spec:
              group: e2e.tonnage.dev
              scope: Namespaced
              names: {plural: smokes, singular: smoke, kind: Smoke}
              versions:
                - name: v1
                  served: true
                  storage: true
                  subresources: {status: {}}
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          properties:
                            message: {type: string}
                        status:
                          type: object
                          x-kubernetes-preserve-unknown-fields: true
            """,
            "apply",
            "--server-side",
            "-f",
            "-")
        .requireSuccess();
    kube.kubectl(
            "wait", "--for=condition=Established", "crd/smokes.e2e.tonnage.dev", "--timeout=30s")
        .requireSuccess();
    kube.kubectlWithInput(
            "apiVersion: e2e.tonnage.dev/v1\nkind: Smoke\nmetadata: {name: first, namespace: smoke}\n"
                + "spec: {message: hello}\n",
            "apply",
            "-f",
            "-")
        .requireSuccess();

    ProcessResult message =
        kube.kubectl("get", "smoke", "first", "-n", "smoke", "-o", "jsonpath={.spec.message}");
    assertThat(message.requireSuccess().stdout()).isEqualTo("hello");

    // The operator's client reads the same kubeconfig.
    Config config = Config.fromKubeconfig(Files.readString(kube.kubeconfig()));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      GenericKubernetesResource smoke =
          client
              .genericKubernetesResources("e2e.tonnage.dev/v1", "Smoke")
              .inNamespace("smoke")
              .withName("first")
              .get();
      assertThat(smoke.getAdditionalProperties().get("spec")).isEqualTo(Map.of("message", "hello"));
    }
  }

  @Test
  void prometheusScrapesTheRegistryAndAnswersPromql() {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      images.push("smoke/metrics:1", ImageSpec.singleLayer("a", "metrics"));
    }
    prometheus = PrometheusServer.start(List.of(registry.debugHostPort()));

    JsonNode requests =
        prometheus.awaitSeries(
            "sum(registry_http_requests_total{handler=\"manifest\",method=\"put\"})",
            Duration.ofSeconds(20));

    assertThat(Double.parseDouble(requests.get(0).path("value").get(1).asText()))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(prometheus.scalar("count(up == 1)")).isEqualTo(1.0);
  }

  @Test
  void provisionedKubectlAndHelmAreTheExpectedVersions() {
    Binaries binaries = Binaries.fromEnvironment();
    try (Helm helmCommand = Helm.fromEnvironment()) {
      ProcessResult kubectl =
          Command.of(binaries.require("kubectl"), "version", "--client", "-o", "json").run();
      ProcessResult helm = helmCommand.run(List.of("version", "--short"));

      assertThat(kubectl.requireSuccess().stdout()).contains("\"minor\": \"35\"");
      assertThat(helm.requireSuccess().stdout()).startsWith("v4.");
    }
  }
}
