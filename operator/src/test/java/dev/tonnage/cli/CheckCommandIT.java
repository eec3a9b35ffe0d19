package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.BaseImageSource;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tonnage check} wired to the real registry client, against a real registry. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class CheckCommandIT {

  private static final String DIGEST = "sha256:" + "0".repeat(64);

  @TempDir Path home;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void measuresImagesFromTheRegistryAndDecidesWithThePolicies() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage slim =
          images.push(
              "team/slim:1",
              ImageSpec.builder()
                  .layer(LayerSpec.gzipFile("app", "hello"), "COPY app /app # buildkit")
                  .baseImage("docker.io/library/alpine:3.20", DIGEST, BaseImageSource.LABELS)
                  .build());
      PushedImage fat =
          images.push(
              "team/fat:1",
              ImageSpec.builder()
                  .layer(LayerSpec.gzipFile("etc/os-release", "ubuntu"), null)
                  .layer(
                      LayerSpec.gzipFile("usr/lib/big", noise(300_000)),
                      "RUN /bin/sh -c apt-get install -y big # buildkit")
                  .layer(LayerSpec.gzipFile("app", "hello"), "COPY app /app # buildkit")
                  .baseImage("docker.io/library/ubuntu:24.04", DIGEST, BaseImageSource.LABELS)
                  .build());
      Path policy =
          Files.writeString(
              home.resolve("policy.yaml"),
              """
              apiVersion: tonnage.dev/v1alpha1
              kind: ClusterImagePolicy
              metadata: {name: small}
              spec:
                action: Enforce
                match: {namespaceSelector: {matchLabels: {env: prod}}}
                limits: {maxCompressedSize: 100Ki, maxUncompressedSize: 10Mi, maxLayers: 2}
                baseImages: {allowed: ["docker.io/library/alpine:*"]}
              """);

      int exit = check(registry, policy, "-o", "json", slim.reference(), fat.reference());

      assertThat(exit).as(err.toString()).isEqualTo(1);
      JsonNode root = new ObjectMapper().readTree(out.toString());
      JsonNode slimResult = root.path("images").get(0);
      assertThat(slimResult.path("digest").asText()).isEqualTo(slim.digest());
      assertThat(slimResult.path("verdicts").get(0).path("result").asText()).isEqualTo("pass");
      JsonNode fatVerdict = root.path("images").get(1).path("verdicts").get(0);
      assertThat(fatVerdict.path("result").asText()).isEqualTo("fail");
      assertThat(fatVerdict.path("violations").findValuesAsText("rule"))
          .containsExactly("MAX_COMPRESSED_SIZE", "MAX_LAYERS", "BASE_IMAGE_NOT_ALLOWED");
      assertThat(fatVerdict.path("violations").get(0).path("message").asText())
          .contains("from RUN apt-get install -y big");
      assertThat(fatVerdict.path("violations").get(2).path("actual").asText())
          .isEqualTo("docker.io/library/ubuntu:24.04");
    }
  }

  @Test
  void exitsTwoWhenTheRegistryHasNoSuchImage() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN)) {
      Path policy =
          Files.writeString(
              home.resolve("policy.yaml"),
              "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                  + "metadata: {name: any}\nspec: {limits: {maxLayers: 10}}\n");
      int exit = check(registry, policy, registry.hostPort() + "/team/missing:1");
      assertThat(exit).as(err.toString()).isEqualTo(2);
      assertThat(out.toString())
          .contains("ERROR      ClusterImagePolicy any (Warn)")
          .contains("facts unavailable (NotFound)");
    }
  }

  @Test
  void streamsALayerWhoseGzipTrailerWrapsAndFailsTheImageExactly() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage big = pushFourAndAHalfGiB(images);
      Path policy = uncompressedLimit(home, "4Gi");

      int exit = check(registry, policy, "-o", "json", big.reference());

      assertThat(exit).as(err.toString()).isEqualTo(1);
      JsonNode root = new ObjectMapper().readTree(out.toString());
      assertThat(root.path("result").asText()).isEqualTo("violation");
      JsonNode violation = root.path("images").get(0).path("verdicts").get(0).path("violations");
      assertThat(violation.get(0).path("rule").asText()).isEqualTo("MAX_UNCOMPRESSED_SIZE");
      assertThat(violation.get(0).path("uncertain").asBoolean()).isFalse();
      assertThat(violation.get(0).path("actual").asText()).isEqualTo("4.5 GiB");
      assertThat(root.path("unsettled")).isEmpty();
    }
  }

  @Test
  void anUncertainVerdictThatCannotBeStreamedWithinMaxStreamIsUncertainAndExitsThree()
      throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage big = pushFourAndAHalfGiB(images);
      Path policy = uncompressedLimit(home, "4Gi");

      int exit = check(registry, policy, "--max-stream", "1Mi", big.reference());

      assertThat(exit).as(err.toString()).isEqualTo(3);
      assertThat(out.toString())
          .contains("UNCERTAIN  ClusterImagePolicy disk (Enforce)")
          .contains("not streamed: over --max-stream 1 MiB")
          .contains("UNCERTAIN: 1 of 1 image(s) could not be decided")
          .doesNotContain("PASS");
    }
  }

  /** One gzip layer of 4.5 GiB of zeros: its ISIZE wraps, so the trailer only bounds its size. */
  private static PushedImage pushFourAndAHalfGiB(ImageBuilder images) {
    PushedImage big =
        images.push(
            "layers/zeros:4.5g",
            ImageSpec.builder()
                .layer(LayerSpec.gzipOfZeros(9L << 29), "RUN dd if=/dev/zero of=zeros.bin")
                .build());
    assertThat(big.single().layers().get(0).exceedsGzipIsize()).isTrue();
    return big;
  }

  private static Path uncompressedLimit(Path home, String limit) throws Exception {
    return Files.writeString(
        home.resolve("disk.yaml"),
        """
        apiVersion: tonnage.dev/v1alpha1
        kind: ClusterImagePolicy
        metadata: {name: disk}
        spec:
          action: Enforce
          limits: {maxUncompressedSize: %s}
        """
            .formatted(limit));
  }

  /**
   * {@code tonnage check --insecure-registry REGISTRY --policy POLICY ARGS...}, as users run it.
   */
  private int check(RegistryServer registry, Path policy, String... args) {
    List<String> line =
        new ArrayList<>(
            List.of(
                "check",
                "--insecure-registry",
                registry.hostPort(),
                "--policy",
                policy.toString()));
    line.addAll(List.of(args));
    CommandLine cli = TonnageCommand.commandLine(Map.of(), home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(line.toArray(String[]::new));
  }

  /** Text that gzip cannot shrink much, so the layer is really this big. */
  private static String noise(int length) {
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder(length);
    List<Character> alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
            .chars()
            .mapToObj(c -> (char) c)
            .toList();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.get(random.nextInt(alphabet.size())));
    }
    return sb.toString();
  }
}
