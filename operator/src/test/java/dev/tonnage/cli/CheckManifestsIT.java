package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tonnage check -f} wired to the real registry client, against a real registry. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class CheckManifestsIT {

  @TempDir Path home;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void judgesTheWorkloadsOfAManifestDirectoryWithTheImagesInTheRegistry() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage slim =
          images.push(
              "team/slim:1",
              ImageSpec.builder().layer(LayerSpec.gzipFile("app", "hello"), null).build());
      PushedImage fat =
          images.push(
              "team/fat:1",
              ImageSpec.builder()
                  .layer(LayerSpec.gzipFile("usr/lib/big", noise(300_000)), null)
                  .build());
      Path manifests = Files.createDirectory(home.resolve("manifests"));
      Files.writeString(
          manifests.resolve("00-policy.yaml"),
          """
          apiVersion: tonnage.dev/v1alpha1
          kind: ClusterImagePolicy
          metadata: {name: small}
          spec:
            action: Enforce
            match: {namespaceSelector: {matchLabels: {env: prod}}}
            limits: {maxCompressedSize: 100Ki}
          """);
      Files.writeString(
          manifests.resolve("shop.yaml"),
          """
          apiVersion: v1
          kind: Namespace
          metadata: {name: shop, labels: {env: prod}}
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec:
            template:
              spec:
                initContainers: [{name: init, image: "%s"}]
                containers: [{name: web, image: "%s"}]
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: dev}
          spec: {template: {spec: {containers: [{name: web, image: "%s"}]}}}
          """
              .formatted(slim.reference(), fat.reference(), fat.reference()));

      CommandLine cli = TonnageCommand.commandLine(Map.of(), home);
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit =
          cli.execute(
              "check",
              "--insecure-registry",
              registry.hostPort(),
              "-f",
              manifests.toString(),
              "-o",
              "json");

      assertThat(exit).as(err.toString()).isEqualTo(1);
      JsonNode results = new ObjectMapper().readTree(out.toString()).path("images");
      assertThat(results).hasSize(3);
      JsonNode init = results.get(0);
      assertThat(init.path("digest").asText()).isEqualTo(slim.digest());
      assertThat(init.path("manifest").path("container").asText()).isEqualTo("init");
      assertThat(init.path("verdicts").get(0).path("result").asText()).isEqualTo("pass");
      JsonNode web = results.get(1);
      assertThat(web.path("digest").asText()).isEqualTo(fat.digest());
      assertThat(web.path("manifest").path("file").asText())
          .isEqualTo(manifests.resolve("shop.yaml").toString());
      assertThat(web.path("manifest").path("line").asInt()).isEqualTo(5);
      assertThat(web.path("verdicts").get(0).path("result").asText()).isEqualTo("fail");
      assertThat(web.path("verdicts").get(0).path("violations").findValuesAsText("rule"))
          .containsExactly("MAX_COMPRESSED_SIZE");
      JsonNode dev = results.get(2);
      assertThat(dev.path("verdicts")).isEmpty();
      assertThat(dev.path("skipped").get(0).path("reason").asText())
          .isEqualTo("spec.match.namespaceSelector does not match namespace dev");
    }
  }

  /** Text that gzip cannot shrink much, so the layer is really this big. */
  private static String noise(int length) {
    Random random = new Random(7);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
