package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UncompressedSizesTest {

  private static byte[] le32(long value) {
    return new byte[] {
      (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)
    };
  }

  @Test
  void gzipTrailerOfTheFixtureLayerIsItsExactSize() {
    byte[] layer =
        FixtureRegistry.bytes(
            "blobs/sha256/ed6df11a726a93f442ff47668b74f595f41f595f992b8c721bcba8ee8986fd35");
    byte[] trailer = java.util.Arrays.copyOfRange(layer, layer.length - 4, layer.length);
    assertThat(UncompressedSizes.fromGzipTrailer(trailer, layer.length))
        .contains(UncompressedSize.exact(5632, "gzip-trailer"));
  }

  @Test
  void smallLayersHaveOneCandidateSoTheSizeIsExact() {
    // 4 MB compressed can expand to at most ~4.1 GB < 4 GiB + ISIZE: one candidate.
    assertThat(UncompressedSizes.fromGzipTrailer(le32(123_456_789), 4_000_000))
        .contains(UncompressedSize.exact(123_456_789, "gzip-trailer"));
  }

  @Test
  void largeLayersAreAmbiguousAndReportBoundsNotExactness() {
    long compressed = 100L * 1024 * 1024; // up to ~103 GiB uncompressed
    UncompressedSize size =
        UncompressedSizes.fromGzipTrailer(le32(300_000_000), compressed).orElseThrow();
    assertThat(size.exact()).isFalse();
    assertThat(size.bytes()).isEqualTo(300_000_000L);
    assertThat(size.minBytes()).isEqualTo(300_000_000L);
    assertThat((size.maxBytes() - 300_000_000L) % (1L << 32)).isZero();
    assertThat(size.maxBytes()).isLessThanOrEqualTo(compressed * 1032);
    assertThat(size.maxBytes() + (1L << 32)).isGreaterThan(compressed * 1032);
    assertThat(size.isUncertainAgainst(2L * 1024 * 1024 * 1024)).isTrue();
  }

  @Test
  void anIsizeBelowTheCompressedSizeWrapsToTheNextCandidate() {
    // 5 GiB of random data gzips to slightly more than 5 GiB: ISIZE = 1 GiB, true size 5 GiB.
    long trueSize = 5L << 30;
    long compressed = trueSize + trueSize / 65535 * 5 + 18;
    UncompressedSize size =
        UncompressedSizes.fromGzipTrailer(le32(trueSize % (1L << 32)), compressed).orElseThrow();
    assertThat(size.bytes()).isEqualTo(trueSize);
    assertThat(size.exact()).isFalse();
  }

  @Test
  void noCandidateInBoundsMeansUnknownNotZero() {
    // ISIZE 0 for a 10 KB gzip: impossible for a single member (e.g. an eStargz footer).
    assertThat(UncompressedSizes.fromGzipTrailer(le32(0), 10_000)).isEmpty();
    assertThat(UncompressedSizes.fromGzipTrailer(le32(5), 3)).isEmpty();
  }

  @Test
  void zstdFrameHeaderOfTheFixtureLayerGivesTheTarSize() {
    byte[] layer =
        FixtureRegistry.bytes(
            "blobs/sha256/acd5df37ab06238257c43da03d93ab533476d981d7a89baa18ebdb683380d654");
    assertThat(UncompressedSizes.fromZstdHeader(java.util.Arrays.copyOf(layer, 18)))
        .contains(UncompressedSize.exact(61440, "zstd-frame-header"));
  }

  @Test
  void zstdHeaderFieldWidths() {
    // FCS flag 3 (8 bytes), window descriptor present, dict ID 1 byte.
    byte[] eight = {
      0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, (byte) 0xc1, 0x70, 0x07, 1, 2, 3, 4, 5, 0, 0, 0
    };
    assertThat(UncompressedSizes.fromZstdHeader(eight).orElseThrow().bytes())
        .isEqualTo(0x0504030201L);
    // FCS flag 2 (4 bytes), single segment.
    byte[] four = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, (byte) 0xa0, 0x10, 0x00, 0x00, 0x01};
    assertThat(UncompressedSizes.fromZstdHeader(four).orElseThrow().bytes()).isEqualTo(0x01000010L);
    // Single segment, FCS flag 0: 1 byte.
    byte[] one = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x20, 42};
    assertThat(UncompressedSizes.fromZstdHeader(one).orElseThrow().bytes()).isEqualTo(42);
  }

  @Test
  void zstdWithoutContentSizeOrStartingWithASkippableFrameIsUnknown() {
    byte[] streamed = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, 0x58, 0, 0};
    assertThat(UncompressedSizes.fromZstdHeader(streamed)).isEmpty();
    byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 0x04, 0, 0, 0, 0, 0};
    assertThat(UncompressedSizes.fromZstdHeader(skippable)).isEmpty();
  }

  @Test
  void annotationsDeclareSizesAndMarkSeekableFormats() {
    assertThat(UncompressedSizes.fromAnnotations(Map.of("io.containerd.uncompressed-size", "77")))
        .contains(UncompressedSize.exact(77, "annotation"));
    assertThat(
            UncompressedSizes.fromAnnotations(
                Map.of("org.opencontainers.image.uncompressed-size", "x")))
        .isEqualTo(Optional.empty());
    assertThat(
            UncompressedSizes.isSeekableFormat(
                Map.of("containerd.io/snapshot/stargz/toc.digest", "sha256:...")))
        .isTrue();
    assertThat(UncompressedSizes.isSeekableFormat(Map.of())).isFalse();
  }
}
