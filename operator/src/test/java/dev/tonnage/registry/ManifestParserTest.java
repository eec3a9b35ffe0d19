package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

  private static final ImageReference REF = ImageReference.parse("registry.example/app:1");
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String LAYER =
      "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
          + DIGEST
          + "\",\"size\":10}";

  private static String manifest(int layers, String annotations) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + DIGEST
        + "\",\"size\":5},\"layers\":["
        + String.join(",", Collections.nCopies(layers, LAYER))
        + "],\"annotations\":"
        + annotations
        + "}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nestingOneHundredThousandDeepIsAnInvalidManifestNamingTheDepthLimit() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                ManifestParser.parseManifest(
                    bytes("[".repeat(100_000) + "]".repeat(100_000)), null, REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("over a parsing limit")
        .hasMessageContaining(String.valueOf(ManifestParser.MAX_NESTING_DEPTH));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aConfigNestedDeeperThanTheLimitIsAnInvalidManifest() {
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatThrownBy(() -> ManifestParser.parseConfig(bytes(deep), REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("image config is over a parsing limit");
  }

  @Test
  void aNumberLongerThanAnyInt64IsAnInvalidManifest() {
    String body = manifest(1, "{}").replace("\"size\":5", "\"size\":" + "9".repeat(100));
    assertThatThrownBy(() -> ManifestParser.parseManifest(bytes(body), null, REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("over a parsing limit");
  }

  @Test
  void moreLayersThanTheCapAreRefusedNamingTheFieldAndTheCap() throws Exception {
    assertThat(ManifestParser.parseManifest(bytes(manifest(256, "{}")), null, REF))
        .isInstanceOf(ImageManifest.class);
    assertThatThrownBy(() -> ManifestParser.parseManifest(bytes(manifest(257, "{}")), null, REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("\"layers\" has 257 entries; Tonnage reads at most 256");
  }

  @Test
  void moreIndexEntriesThanTheCapAreRefusedNamingTheFieldAndTheCap() {
    String entry =
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + DIGEST
            + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}";
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":["
            + String.join(",", Collections.nCopies(257, entry))
            + "]}";
    assertThatThrownBy(() -> ManifestParser.parseManifest(bytes(index), null, REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("\"manifests\" has 257 entries; Tonnage reads at most 256");
  }

  @Test
  void onlyTheAnnotationsTonnageReadsAreKept() throws Exception {
    String annotations =
        "{\"org.opencontainers.image.base.name\":\"alpine:3\",\"vendor.padding\":\""
            + "x".repeat(10_000)
            + "\"}";
    ImageManifest parsed =
        (ImageManifest) ManifestParser.parseManifest(bytes(manifest(1, annotations)), null, REF);
    assertThat(parsed.annotations()).containsOnlyKeys("org.opencontainers.image.base.name");
  }

  @Test
  void anOverLongDigestIsQuotedOnlyInPart() {
    String body = manifest(1, "{}").replaceFirst(DIGEST, "sha256:" + "z".repeat(50_000));
    assertThatThrownBy(() -> ManifestParser.parseManifest(bytes(body), null, REF))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("invalid digest")
        .hasMessageContaining("(50007 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void anIndexEntryWithoutAMediaTypeIsNoImageEntry() throws Exception {
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"digest\":\""
            + DIGEST
            + "\",\"size\":1}]}";
    ImageIndex parsed = (ImageIndex) ManifestParser.parseManifest(bytes(index), null, REF);
    assertThat(parsed.imageEntries()).isEmpty();
  }

  @Test
  void aConfigDescriptorWithoutAMediaTypeIsNotAnImage() throws Exception {
    String body =
        manifest(1, "{}")
            .replace("\"mediaType\":\"application/vnd.oci.image.config.v1+json\",", "");
    ImageManifest parsed = (ImageManifest) ManifestParser.parseManifest(bytes(body), null, REF);
    assertThatThrownBy(() -> FactsAssembler.requireImage(parsed, REF))
        .isInstanceOf(NotAnImageException.class);
  }
}
