package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageFactsTest {

  private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @Test
  void theEstimatedSizeGrowsWithEveryStringTheFactsHold() {
    long plain = facts("RUN true", Map.of(), null).estimatedBytes();
    assertThat(plain).isPositive();
    assertThat(facts("RUN " + "x".repeat(10_000), Map.of(), null).estimatedBytes())
        .isGreaterThanOrEqualTo(plain + 19_000);
    assertThat(facts("RUN true", Map.of("k", "v".repeat(10_000)), null).estimatedBytes())
        .isGreaterThanOrEqualTo(plain + 19_000);
    BaseImage base = new BaseImage("b".repeat(10_000), null, BaseImage.Source.CONFIG_LABEL);
    assertThat(facts("RUN true", Map.of(), base).estimatedBytes())
        .isGreaterThanOrEqualTo(plain + 19_000);
  }

  private static ImageFacts facts(String history, Map<String, String> labels, BaseImage base) {
    String digest = "sha256:" + "a".repeat(64);
    LayerFacts layer = new LayerFacts(digest, GZIP, 10, null, history);
    PlatformFacts platform =
        new PlatformFacts(
            Platform.LINUX_AMD64, digest, digest, 10, null, 1, 10, List.of(layer), base, labels);
    return new ImageFacts(
        ImageReference.parse("registry.example/acme/app:1"),
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        List.of(platform));
  }
}
