package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.IndexSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tonnage diff} and {@code tonnage check --baseline}, wired to the real registry client,
 * against a real registry holding two releases of an image: 1.0 and 2.0, where 2.0 keeps the base
 * layer, grows the apt step and adds a pip step on linux/amd64, drops linux/arm64 and adds
 * linux/s390x.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class GrowthCommandsIT {

  private static final String BASE = "/bin/sh -c #(nop) ADD file:rootfs in / ";
  private static final String APT = "RUN /bin/sh -c apt-get install -y curl # buildkit";
  private static final String PIP = "RUN /bin/sh -c pip install numpy # buildkit";

  private static RegistryServer registry;
  private static PushedImage v1;
  private static PushedImage v2;

  @TempDir Path home;

  private StringWriter out;
  private StringWriter err;

  @BeforeAll
  static void pushTwoReleases() {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      LayerSpec base = LayerSpec.gzipFile("etc/os-release", "debian");
      v1 =
          images.push(
              "team/app:1.0",
              IndexSpec.builder(ManifestFormat.OCI)
                  .image(
                      ImageSpec.builder()
                          .platform("linux/amd64")
                          .layer(base, BASE)
                          .layer(LayerSpec.gzipFile("usr/bin/curl", noise(20_000, 1)), APT)
                          .build())
                  .image(ImageSpec.builder().platform("linux/arm64").layer(base, BASE).build())
                  .build());
      v2 =
          images.push(
              "team/app:2.0",
              IndexSpec.builder(ManifestFormat.OCI)
                  .image(
                      ImageSpec.builder()
                          .platform("linux/amd64")
                          .layer(base, BASE)
                          .layer(LayerSpec.gzipFile("usr/bin/curl", noise(60_000, 2)), APT)
                          .layer(LayerSpec.gzipFile("usr/lib/numpy", noise(100_000, 3)), PIP)
                          .build())
                  .image(ImageSpec.builder().platform("linux/s390x").layer(base, BASE).build())
                  .build());
    }
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void freshOutput() {
    out = new StringWriter();
    err = new StringWriter();
  }

  @Test
  void diffShowsPerPlatformTotalsLayersAndTheStepsThatWereAddedOrGrew() throws Exception {
    int exit = run("diff", "-o", "json", v1.reference(), v2.reference());

    assertThat(exit).as(err.toString()).isZero();
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.path("before").path("digest").asText()).isEqualTo(v1.digest());
    assertThat(root.path("after").path("digest").asText()).isEqualTo(v2.digest());
    assertThat(root.path("onlyBefore").toString()).isEqualTo("[\"linux/arm64\"]");
    assertThat(root.path("onlyAfter").toString()).isEqualTo("[\"linux/s390x\"]");
    JsonNode amd64 = root.path("platforms").get(0);
    assertThat(root.path("platforms")).hasSize(1);
    assertThat(amd64.path("platform").asText()).isEqualTo("linux/amd64");
    JsonNode compressed = amd64.path("compressed");
    assertThat(compressed.path("after").asLong() - compressed.path("before").asLong())
        .isEqualTo(compressed.path("change").asLong())
        .isGreaterThan(50_000);
    assertThat(amd64.path("uncompressed").path("exact").asBoolean()).isTrue();
    assertThat(amd64.path("layerCount").path("change").asInt()).isEqualTo(1);
    assertThat(amd64.path("layers").findValuesAsText("status"))
        .containsExactly("shared", "replaced", "added");
    assertThat(amd64.path("steps").findValuesAsText("step"))
        .containsExactlyInAnyOrder("RUN pip install numpy", "RUN apt-get install -y curl");
    assertThat(amd64.path("steps").get(0).path("step").asText()).isEqualTo("RUN pip install numpy");
    assertThat(amd64.path("steps").get(0).path("added").asBoolean()).isTrue();
    assertThat(amd64.path("steps").get(1).path("added").asBoolean()).isFalse();
  }

  @Test
  void diffAsTextAndMarkdownNamesTheSameChangesAndExitsZeroWhateverTheGrowth() {
    assertThat(run("diff", v1.reference(), v2.reference())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("linux/amd64", "compressed", "layers        2 -> 3 (+1)")
        .contains("added RUN pip install numpy", "grew  RUN apt-get install -y curl")
        .contains("only in " + registry.hostPort() + "/team/app:1.0: linux/arm64")
        .contains("only in " + registry.hostPort() + "/team/app:2.0: linux/s390x");

    out.getBuffer().setLength(0);
    assertThat(run("diff", "-o", "markdown", v1.reference(), v2.reference())).isZero();
    assertThat(out.toString())
        .startsWith("**`" + registry.hostPort() + "/team/app:1.0` → `")
        .contains("| linux/amd64 | ", " | 2 → 3 (+1) | added RUN pip install numpy")
        .contains(" KiB → ", "- Only in the old image: linux/arm64\n")
        .doesNotContain("&gt;");
  }

  @Test
  void diffOfAMissingImageExitsTwo() {
    assertThat(run("diff", v1.reference(), registry.hostPort() + "/team/app:9.9")).isEqualTo(2);
    assertThat(err.toString()).contains("tonnage diff: ").contains("app:9.9");
  }

  @Test
  void checkWithABaselineFailsAnImageThatGrewPastMaxGrowthAndPassesOneWithin() throws Exception {
    int exit =
        run(
            "check",
            "--baseline",
            v1.reference(),
            "--max-growth",
            "10%",
            "-o",
            "json",
            v2.reference());

    assertThat(exit).as(err.toString()).isEqualTo(1);
    JsonNode verdict =
        new ObjectMapper().readTree(out.toString()).path("images").get(0).path("verdicts").get(0);
    assertThat(verdict.path("policy").path("name").asText()).isEqualTo("max-growth");
    assertThat(verdict.path("result").asText()).isEqualTo("fail");
    JsonNode violation = verdict.path("violations").get(0);
    assertThat(verdict.path("violations")).hasSize(1);
    assertThat(violation.path("rule").asText()).isEqualTo("MAX_GROWTH");
    assertThat(violation.path("platform").asText()).isEqualTo("linux/amd64");
    assertThat(violation.path("limit").asText()).isEqualTo("10%");
    assertThat(violation.path("message").asText())
        .contains("grew from", v1.reference(), "over the growth limit of 10%")
        .contains("Grown steps: added RUN pip install numpy");

    out.getBuffer().setLength(0);
    assertThat(run("check", "--baseline", v1.reference(), "--max-growth", "1Mi", v2.reference()))
        .as(out.toString())
        .isZero();
    assertThat(out.toString()).contains("PASS");
  }

  @Test
  void checkWithABaselineAppliesMaxGrowthOfThePolicyFiles() throws Exception {
    Path policy =
        Files.writeString(
            home.resolve("growth.yaml"),
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: no-bloat}
            spec:
              action: Enforce
              limits: {maxGrowth: 50Ki}
            """);
    assertThat(run("check", "--policy", policy.toString(), v2.reference())).isZero();

    out.getBuffer().setLength(0);
    int exit =
        run("check", "--policy", policy.toString(), "--baseline", v1.reference(), v2.reference());

    assertThat(exit).as(err.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL       ClusterImagePolicy no-bloat (Enforce)", "MAX_GROWTH", "limit 50 KiB");
  }

  @Test
  void checkWithABaselineThatCannotBeReadIsAnErrorNotAPass() {
    int exit =
        run(
            "check",
            "--baseline",
            registry.hostPort() + "/team/app:0.1",
            "--max-growth",
            "10%",
            v2.reference());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--baseline " + registry.hostPort() + "/team/app:0.1");
    assertThat(out.toString()).doesNotContain("PASS");
  }

  private int run(String... args) {
    List<String> line =
        new ArrayList<>(List.of(args[0], "--insecure-registry", registry.hostPort()));
    line.addAll(List.of(args).subList(1, args.length));
    CommandLine cli = TonnageCommand.commandLine(Map.of(), home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(line.toArray(String[]::new));
  }

  /** Text that gzip cannot shrink much, so a layer is really about this big. */
  private static String noise(int length, long seed) {
    Random random = new Random(seed);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
