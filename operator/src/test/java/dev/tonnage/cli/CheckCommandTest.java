package dev.tonnage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.NotFoundException;
import dev.tonnage.registry.StaleFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {

  private static final String PROD = "../examples/prod-enforce.yaml";
  private static final String WARN_1GI = "../examples/cluster-warn-1gi.yaml";
  private static final String AUDIT = "../examples/audit-uncompressed-2gi.yaml";
  private static final String TEAM = "../examples/team-imagepolicy.yaml";
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @TempDir Path dir;

  /** Serves fixture facts by reference and records what was asked for. */
  private final FakeRegistry registry = new FakeRegistry();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void exitsZeroWhenEveryImagePasses() {
    int exit = run("--policy", TEAM, "gcr.io/acme-prod/payments:v3.1.0");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("gcr.io/acme-prod/payments:v3.1.0 (sha256:")
        .contains("PASS       ImagePolicy team-payments/payments-images (Enforce) on linux/amd64")
        .contains("PASS: 1 image(s) within every Enforce and Warn policy");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void exitsOneOnAWarnViolationAndShowsMessageAndRemedy() {
    int exit = run("--policy", WARN_1GI, "ghcr.io/acme/ml-api:1.4.2");
    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL       ClusterImagePolicy warn-over-1gi (Warn) on linux/amd64")
        .contains("linux/amd64 MAX_COMPRESSED_SIZE: 1.1 GiB, limit 1 GiB")
        .contains("812.2 MiB from RUN apt-get update")
        .contains("Fix: Install with --no-install-recommends")
        .contains("FAIL: 1 of 1 image(s) violate an Enforce or Warn policy");
  }

  @Test
  void anExceptionFileWaivesWhatItCoversAsTheWebhookDoesAndNamesItself() {
    Path exception =
        write(
            "e.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicyException
            metadata: {name: ml-api, namespace: anywhere}
            spec:
              policies: [{kind: ClusterImagePolicy, name: warn-over-1gi}]
              rules: [maxCompressedSize]
              match: {images: ["ghcr.io/acme/ml-api:*"]}
              expiresAt: "2999-01-01T00:00:00Z"
              reason: JIRA-1234
            """);
    int exit =
        run("--policy", WARN_1GI, "--exception", exception.toString(), "ghcr.io/acme/ml-api:1.4.2");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "exception anywhere/ml-api (until 2999-01-01T00:00:00Z) waives warn-over-1gi"
                + " maxCompressedSize: ghcr.io/acme/ml-api:1.4.2")
        .contains("PASS: 1 image(s)");
  }

  @Test
  void anExpiredOrNamespaceScopedExceptionWaivesNothingForABareImage() {
    Path expired =
        write(
            "expired.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicyException
            metadata: {name: old, namespace: tonnage}
            spec: {expiresAt: "2020-01-01T00:00:00Z", reason: long gone}
            """);
    assertThat(
            run(
                "--policy",
                WARN_1GI,
                "--exception",
                expired.toString(),
                "ghcr.io/acme/ml-api:1.4.2"))
        .isEqualTo(1);
    out.getBuffer().setLength(0);
    // The example names namespace ml: a bare image has none, so it is not covered.
    assertThat(
            run(
                "--policy",
                WARN_1GI,
                "--exception",
                "../examples/exception-ml-model.yaml",
                "ghcr.io/acme/ml-api:1.4.2"))
        .isEqualTo(1);
  }

  @Test
  void exitsTwoNamingTheFieldOfAnInvalidException() {
    Path bad =
        write(
            "bad.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicyException
            metadata: {name: no-reason, namespace: tonnage}
            spec: {rules: [maxLayers]}
            """);
    assertThat(
            run("--policy", WARN_1GI, "--exception", bad.toString(), "ghcr.io/acme/ml-api:1.4.2"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("bad.yaml:1: ImagePolicyException tonnage/no-reason")
        .contains("spec.reason: is required");
  }

  @Test
  void judgesABareImageByEveryPolicyThatCouldApplyWhateverItsSelectors() {
    int exit = run("--policy", PROD, "ghcr.io/acme/ml-api:1.4.2");
    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL       ClusterImagePolicy prod-slim (Enforce) on linux/amd64")
        .contains("BASE_IMAGE_NOT_ALLOWED");
  }

  @Test
  void fetchesNothingForImagesNoPolicyCovers() {
    int exit = run("--policy", TEAM, "ghcr.io/acme/ml-api:1.4.2");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("no policy applies")
        .contains(
            "SKIP       ImagePolicy team-payments/payments-images: no image matches its"
                + " spec.match.images");
    assertThat(registry.asked).isEmpty();
  }

  @Test
  void anAuditViolationIsReportedButDoesNotFail() {
    int exit = run("--policy", AUDIT, "registry.example.com:5000/research/trainer:nightly");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("UNCERTAIN  ClusterImagePolicy audit-unpacked-2gi (Audit)")
        .contains("MAX_UNCOMPRESSED_SIZE (uncertain)");
    assertThat(registry.asked)
        .singleElement()
        .satisfies(n -> assertThat(n.uncompressedSize()).isTrue());
  }

  @Test
  void platformOptionNarrowsThePlatformsChecked() {
    Path policy =
        write(
            "p.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: half-gig}
            spec: {action: Enforce, limits: {maxCompressedSize: 500Mi}}
            """);
    assertThat(run("--policy", policy.toString(), "acme/web:2024.06")).isEqualTo(1);
    out.getBuffer().setLength(0);
    assertThat(run("--policy", policy.toString(), "--platform", "linux/arm64", "acme/web:2024.06"))
        .isZero();
    assertThat(out.toString()).contains("(Enforce) on linux/arm64\n");
    out.getBuffer().setLength(0);
    assertThat(run("--policy", policy.toString(), "--platform", "all", "acme/web:2024.06"))
        .isEqualTo(1);
  }

  @Test
  void jsonListsTheVerdictsPerImage() throws IOException {
    int exit =
        run(
            "--policy",
            WARN_1GI,
            "--policy",
            TEAM,
            "--output",
            "json",
            "ghcr.io/acme/ml-api:1.4.2",
            "gcr.io/acme-prod/payments:v3.1.0");
    assertThat(exit).isEqualTo(1);
    JsonNode root = JSON.readTree(out.toString());
    assertThat(root.path("result").asText()).isEqualTo("violation");
    JsonNode ml = root.path("images").get(0);
    assertThat(ml.path("reference").asText()).isEqualTo("ghcr.io/acme/ml-api:1.4.2");
    assertThat(ml.path("digest").asText()).startsWith("sha256:");
    JsonNode verdict = ml.path("verdicts").get(0);
    assertThat(verdict.path("policy").path("kind").asText()).isEqualTo("ClusterImagePolicy");
    assertThat(verdict.path("policy").path("name").asText()).isEqualTo("warn-over-1gi");
    assertThat(verdict.path("action").asText()).isEqualTo("Warn");
    assertThat(verdict.path("result").asText()).isEqualTo("fail");
    JsonNode violation = verdict.path("violations").get(0);
    assertThat(violation.path("rule").asText()).isEqualTo("MAX_COMPRESSED_SIZE");
    assertThat(violation.path("platform").asText()).isEqualTo("linux/amd64");
    assertThat(violation.path("uncertain").asBoolean()).isFalse();
    assertThat(verdict.path("warnings").get(0).asText()).hasSizeLessThanOrEqualTo(120);
    JsonNode payments = root.path("images").get(1);
    assertThat(payments.path("verdicts")).hasSize(2);
    assertThat(payments.path("verdicts").findValuesAsText("result")).containsOnly("pass");
  }

  @Test
  void exitsTwoWhenFactsCannotBeRead() throws IOException {
    int exit = run("--policy", WARN_1GI, "-o", "json", "ghcr.io/acme/private:1");
    assertThat(exit).isEqualTo(2);
    JsonNode root = JSON.readTree(out.toString());
    assertThat(root.path("result").asText()).isEqualTo("error");
    assertThat(root.path("images").get(0).path("error").path("reason").asText())
        .isEqualTo("NotFound");
    assertThat(root.path("images").get(0).path("verdicts").get(0).path("result").asText())
        .isEqualTo("error");
  }

  @Test
  void exitsTwoNamingFileLineFieldAndReasonOfAnInvalidPolicy() {
    Path policy =
        write(
            "bad.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: ok}
            spec: {}
            ---
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: broken}
            spec:
              limits: {maxCompressedSize: 500MB}
            """);
    int exit = run("--policy", policy.toString(), "--policy", "missing.yaml", "nginx");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "tonnage check: "
                + policy
                + ":6: ClusterImagePolicy broken: spec.limits.maxCompressedSize: \"500MB\" is not"
                + " a byte quantity")
        .contains("tonnage check: missing.yaml: no such file");
    assertThat(out.toString()).isEmpty();
    assertThat(registry.asked).isEmpty();
  }

  @Test
  void readsEveryPolicyOfADirectoryAsKubectlApplyDoes() {
    int exit = run("--policy", "../examples", "ghcr.io/acme/ml-api:1.4.2");
    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).contains("audit-unpacked-2gi", "warn-over-1gi", "prod-slim");
  }

  @Test
  void exitsTwoOnUsageErrors() {
    assertThat(run("--policy", TEAM, "Not//A/Reference")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid image reference \"Not//A/Reference\"");
    assertThat(run("--policy", TEAM, "--platform", "linux", "nginx")).isEqualTo(2);
    assertThat(err.toString()).contains("--platform: invalid platform \"linux\"");
    assertThat(run("--policy", TEAM, "--output", "yaml", "nginx")).isEqualTo(2);
    assertThat(run("nginx")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--policy=FILE|DIR'");
  }

  @Test
  void fetchesEachImageOnceWithTheFactsThePoliciesNeed() {
    Path policy =
        write(
            "p.yaml",
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: bases}
            spec:
              match: {images: ["ghcr.io/**"]}
              baseImages: {allowed: ["gcr.io/distroless/static-debian12:nonroot"]}
              limits: {maxUncompressedSize: 4Gi}
            """);
    run(
        "--policy",
        policy.toString(),
        "ghcr.io/acme/ml-api:1.4.2",
        "ghcr.io/acme/ml-api:1.4.2",
        "gcr.io/acme-prod/payments:v3.1.0");
    assertThat(registry.asked)
        .singleElement()
        .satisfies(
            need -> {
              assertThat(need.reference().toString()).isEqualTo("ghcr.io/acme/ml-api:1.4.2");
              assertThat(need.uncompressedSize()).isTrue();
              assertThat(need.baseImageCandidates())
                  .extracting(Object::toString)
                  .containsExactly("gcr.io/distroless/static-debian12:nonroot");
            });
  }

  @Test
  void factsServedFromTheLastKnownOnesDuringAnOutageGetANoteOnStderr() {
    ImageFacts fresh = registry.facts.get("ghcr.io/acme/ml-api:1.4.2");
    registry.facts.put(
        "ghcr.io/acme/ml-api:1.4.2",
        new ImageFacts(
            fresh.reference(),
            fresh.digest(),
            fresh.mediaType(),
            fresh.platforms(),
            new StaleFacts(Duration.ofHours(5), StaleFacts.UNREACHABLE)));

    int exit = run("--policy", WARN_1GI, "ghcr.io/acme/ml-api:1.4.2");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "tonnage check: note: facts for ghcr.io/acme/ml-api:1.4.2 are 5h old: ghcr.io"
                + " unreachable; serving last known facts"
                + System.lineSeparator());
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new CheckCommand(registry));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers with the facts fixtures under src/test/resources/policy/facts. */
  private static final class FakeRegistry implements ImageInspector {
    private final Map<String, ImageFacts> facts = new HashMap<>();
    final List<InspectionNeed> asked = new ArrayList<>();

    FakeRegistry() {
      for (String name :
          List.of(
              "ml-api",
              "web-multiarch",
              "payments-distroless",
              "trainer-ambiguous-gzip",
              "legacy-many-layers")) {
        try (InputStream in = getClass().getResourceAsStream("/policy/facts/" + name + ".json")) {
          ImageFacts f = JSON.readValue(in, ImageFacts.class);
          facts.put(f.reference().toString(), f);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    @Override
    public CompletableFuture<ImageFacts> inspect(ImageReference ref, InspectRequest request) {
      asked.add(new InspectionNeed(ref, request.uncompressed(), request.candidateBases()));
      ImageFacts found = facts.get(ref.toString());
      return found == null
          ? CompletableFuture.failedFuture(
              new NotFoundException(ref.registry(), ref.repository(), ref + ": manifest unknown"))
          : CompletableFuture.completedFuture(found);
    }
  }
}
