package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactsCachesTest {

  private final FactsCaches caches =
      new FactsCaches(RegistryClientConfig.defaults(), RegistryEventListener.NONE);

  private static final String DIGEST = "sha256:" + "a".repeat(64);

  private static ImageFacts facts(String createdBy, Map<String, String> labels) {
    LayerFacts layer =
        new LayerFacts(DIGEST, "application/vnd.oci.image.layer.v1.tar+gzip", 10, null, createdBy);
    PlatformFacts platform =
        new PlatformFacts(
            new Platform("linux", "amd64", null),
            DIGEST,
            DIGEST,
            20,
            null,
            1,
            10,
            List.of(layer),
            new BaseImage("x".repeat(1000), DIGEST, BaseImage.Source.MANIFEST_ANNOTATION),
            labels);
    return new ImageFacts(
        ImageReference.parse("registry.test/app@" + DIGEST), DIGEST, "m", List.of(platform));
  }

  @Test
  void cachedFactsWeighWhatTheirStringsHold() {
    String megabyte = "c".repeat(1 << 20);
    long small =
        FactsCaches.weigh(
            "k", new FactsCaches.CachedImage(facts("RUN x", Map.of()), Map.of(), false));
    long history =
        FactsCaches.weigh(
            "k", new FactsCaches.CachedImage(facts(megabyte, Map.of()), Map.of(), false));
    long labels =
        FactsCaches.weigh(
            "k",
            new FactsCaches.CachedImage(
                facts("RUN x", Map.of("org.opencontainers.image.title", megabyte)),
                Map.of(),
                false));
    Descriptor annotated =
        new Descriptor(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            DIGEST,
            10,
            Map.of("note", megabyte),
            null,
            List.of("https://" + megabyte),
            null);
    long descriptors =
        FactsCaches.weigh(
            "k",
            new FactsCaches.CachedImage(
                facts("RUN x", Map.of()), Map.of(DIGEST, annotated), false));

    assertThat(small).isBetween(2_000L, 10_000L); // the 1000-character base name counts
    assertThat(history - small).isGreaterThan((2L << 20) - 64);
    assertThat(labels - small).isGreaterThan((2L << 20) - 64);
    assertThat(descriptors - small).isGreaterThan(4L << 20);
  }

  @Test
  void theTagCacheStaysWithinItsBytesWhateverTheReferencesAre() {
    String longName = "registry.test/" + "n".repeat(480);
    for (int i = 0; i < 100_000; i++) {
      caches.tags.put(longName + ":" + i + "|anonymous", DIGEST);
    }
    caches.tags.cleanUp();
    long weighted = caches.tags.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    assertThat(weighted).isLessThanOrEqualTo(FactsCaches.TAGS_MAX_BYTES);
    assertThat(caches.tags.estimatedSize()).isLessThan(100_000).isGreaterThan(1_000);
  }

  @Test
  void theFailureCacheStaysWithinItsBytes() {
    String longReference = "registry.test/" + "n".repeat(480) + ":";
    for (int i = 0; i < 20_000; i++) {
      caches.failures.put(
          longReference + i + "|anonymous",
          new NotFoundException("registry.test", "n", "not found: " + "m".repeat(500)));
    }
    caches.failures.cleanUp();
    long weighted = caches.failures.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    assertThat(weighted).isLessThanOrEqualTo(FactsCaches.FAILURES_MAX_BYTES);
    assertThat(caches.failures.estimatedSize()).isLessThan(20_000);
  }

  @Test
  void trailerReadsAreKeyedByRepositoryAndStreamedSizesByDigestAlone() {
    caches.layerReads.put(
        new FactsCaches.LayerKey("a.test", "x", DIGEST),
        java.util.Optional.of(UncompressedSize.exact(5, "gzip-trailer")));
    assertThat(caches.layerReads.getIfPresent(new FactsCaches.LayerKey("b.test", "x", DIGEST)))
        .isNull();
    assertThat(caches.layerReads.getIfPresent(new FactsCaches.LayerKey("a.test", "y", DIGEST)))
        .isNull();
    caches.settled(DIGEST, UncompressedSize.exact(7, "stream"));
    assertThat(caches.verifiedLayerSizes.getIfPresent(DIGEST))
        .isEqualTo(UncompressedSize.exact(7, "stream"));
  }
}
