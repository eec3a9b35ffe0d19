package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.GIB;
import static dev.tonnage.policy.Fixtures.MIB;
import static dev.tonnage.policy.Fixtures.image;
import static dev.tonnage.policy.Fixtures.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.BaseImage;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every limit and base image rule, against one platform of one image. */
class PolicyRulesTest {

  private static final String IMAGE = "ghcr.io/acme/api:1.4";
  // 300 MiB + 200 MiB of layers (+1000 bytes of config); 2x that uncompressed, exactly.
  private static final PlatformFacts FIVE_HUNDRED = platform("linux/amd64", 300 * MIB, 200 * MIB);
  private static final long COMPRESSED = FIVE_HUNDRED.compressedSize();

  /** One row: a policy spec, the platform's facts, and the rules broken (U: uncertain). */
  static Stream<Arguments> rules() {
    return Stream.of(
        row("no limits at all", "{}", FIVE_HUNDRED),
        row("compressed under", "limits: {maxCompressedSize: 600Mi}", FIVE_HUNDRED),
        row(
            "compressed equal to the limit passes",
            "limits: {maxCompressedSize: \"" + COMPRESSED + "\"}",
            FIVE_HUNDRED),
        row(
            "compressed one byte over",
            "limits: {maxCompressedSize: \"" + (COMPRESSED - 1) + "\"}",
            FIVE_HUNDRED,
            "MAX_COMPRESSED_SIZE"),
        row(
            "compressed over",
            "limits: {maxCompressedSize: 400Mi}",
            FIVE_HUNDRED,
            "MAX_COMPRESSED_SIZE"),
        row(
            "zero compressed limit",
            "limits: {maxCompressedSize: \"0\"}",
            FIVE_HUNDRED,
            "MAX_COMPRESSED_SIZE"),
        row(
            "huge limits pass",
            "limits: {maxCompressedSize: 8Ei, maxUncompressedSize: \"1e400\","
                + " maxLayerSize: 100E, maxLayers: 2147483647}",
            FIVE_HUNDRED),
        row("uncompressed exact under", "limits: {maxUncompressedSize: 1001Mi}", FIVE_HUNDRED),
        row(
            "uncompressed exact over",
            "limits: {maxUncompressedSize: 999Mi}",
            FIVE_HUNDRED,
            "MAX_UNCOMPRESSED_SIZE"),
        row(
            "uncompressed bounds enclose the limit: uncertain",
            "limits: {maxUncompressedSize: 5Gi}",
            Fixtures.withUncompressed(FIVE_HUNDRED, bounded(2 * GIB, 2 * GIB, 6 * GIB)),
            "MAX_UNCOMPRESSED_SIZE:U"),
        row(
            "uncompressed lower bound over the limit: certain",
            "limits: {maxUncompressedSize: 1Gi}",
            Fixtures.withUncompressed(FIVE_HUNDRED, bounded(2 * GIB, 2 * GIB, 6 * GIB)),
            "MAX_UNCOMPRESSED_SIZE"),
        row(
            "uncompressed upper bound under the limit: pass",
            "limits: {maxUncompressedSize: 7Gi}",
            Fixtures.withUncompressed(FIVE_HUNDRED, bounded(2 * GIB, 2 * GIB, 6 * GIB))),
        row(
            "uncompressed upper bound equal to the limit: pass",
            "limits: {maxUncompressedSize: 6Gi}",
            Fixtures.withUncompressed(FIVE_HUNDRED, bounded(2 * GIB, 2 * GIB, 6 * GIB))),
        row(
            "uncompressed size unknown: uncertain, never a silent pass",
            "limits: {maxUncompressedSize: 7Gi}",
            Fixtures.withUncompressed(FIVE_HUNDRED, null),
            "MAX_UNCOMPRESSED_SIZE:U"),
        row("layers under", "limits: {maxLayers: 2}", FIVE_HUNDRED),
        row("layers over", "limits: {maxLayers: 1}", FIVE_HUNDRED, "MAX_LAYERS"),
        row("zero layers allowed", "limits: {maxLayers: 0}", FIVE_HUNDRED, "MAX_LAYERS"),
        row("layer size under", "limits: {maxLayerSize: 300Mi}", FIVE_HUNDRED),
        row("layer size over", "limits: {maxLayerSize: 250Mi}", FIVE_HUNDRED, "MAX_LAYER_SIZE"),
        row(
            "all size limits at once",
            "limits: {maxCompressedSize: 1Mi, maxUncompressedSize: 1Mi, maxLayers: 1,"
                + " maxLayerSize: 1Mi}",
            FIVE_HUNDRED,
            "MAX_COMPRESSED_SIZE",
            "MAX_UNCOMPRESSED_SIZE",
            "MAX_LAYERS",
            "MAX_LAYER_SIZE"),
        row(
            "base allowed",
            "baseImages: {allowed: [\"gcr.io/distroless/**\"]}",
            based("gcr.io/distroless/static-debian12:nonroot")),
        row(
            "base not allowed",
            "baseImages: {allowed: [\"gcr.io/distroless/**\", \"alpine:*\"]}",
            based("docker.io/library/ubuntu:22.04"),
            "BASE_IMAGE_NOT_ALLOWED"),
        row(
            "base denied wins over allowed",
            "baseImages: {allowed: [\"**\"], denied: [\"ubuntu:*\"]}",
            based("ubuntu:22.04"),
            "BASE_IMAGE_DENIED"),
        row(
            "base denied by digest",
            "baseImages: {denied: [\"ubuntu@sha256:" + "1".repeat(64) + "\"]}",
            Fixtures.withBase(
                FIVE_HUNDRED,
                new BaseImage(
                    "docker.io/library/ubuntu:22.04",
                    "sha256:" + "1".repeat(64),
                    BaseImage.Source.MANIFEST_ANNOTATION)),
            "BASE_IMAGE_DENIED"),
        row(
            "unknown base, not required: allowed is not checked",
            "baseImages: {allowed: [\"alpine:*\"]}",
            FIVE_HUNDRED),
        row(
            "unknown base, required",
            "baseImages: {requireKnownBase: true}",
            FIVE_HUNDRED,
            "BASE_IMAGE_UNKNOWN"),
        row(
            "known base, required, no lists",
            "baseImages: {requireKnownBase: true}",
            based("alpine:3.20")),
        row(
            "an unparseable recorded base is matched as written",
            "baseImages: {denied: [\"**\"]}",
            based("Not A Reference"),
            "BASE_IMAGE_DENIED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void reportsTheRulesBroken(String name, String spec, PlatformFacts platform, List<String> rules) {
    ImageFacts facts = image(IMAGE, platform);
    Evaluation evaluation =
        PolicyEvaluator.evaluate(
            List.of(Fixtures.cluster(spec)), Fixtures.pod("shop", IMAGE), Fixtures.found(facts));
    assertThat(evaluation.violations())
        .extracting(v -> v.rule() + (v.uncertain() ? ":U" : ""))
        .isEqualTo(rules);
    assertThat(evaluation.violations())
        .allSatisfy(
            v -> {
              assertThat(v.policy()).isEqualTo(PolicyRef.cluster("test"));
              assertThat(v.container()).isEqualTo("c0");
              assertThat(v.image()).isEqualTo(IMAGE);
              assertThat(v.digest()).isEqualTo(facts.digest());
              assertThat(v.platform()).isEqualTo(platform.platform());
              assertThat(v.actual()).isNotBlank();
              assertThat(v.limit()).isNotBlank();
              assertThat(v.message()).contains(IMAGE).contains("linux/amd64");
              assertThat(v.summary()).hasSizeLessThanOrEqualTo(120);
            });
  }

  private static Arguments row(String name, String spec, PlatformFacts facts, String... rules) {
    return Arguments.of(name, spec, facts, List.of(rules));
  }

  private static UncompressedSize bounded(long bytes, long min, long max) {
    return new UncompressedSize(bytes, min, max, false, "gzip-trailer");
  }

  private static PlatformFacts based(String name) {
    return Fixtures.withBase(
        FIVE_HUNDRED, new BaseImage(name, null, BaseImage.Source.CONFIG_LABEL));
  }
}
