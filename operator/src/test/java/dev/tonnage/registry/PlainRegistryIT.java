package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.PushedLayer;
import dev.tonnage.testing.registry.RegistryMode;
import org.junit.jupiter.api.Test;

/** The registry engine against a real registry: plain HTTP (configured insecure), anonymous. */
class PlainRegistryIT extends RegistryModeContract {
  @Override
  RegistryMode mode() {
    return RegistryMode.PLAIN;
  }

  @Test
  void aGzipLayerOver4GiBReportsBoundsThatHoldItsTrueSize() throws Exception {
    PushedImage big =
        images.push(
            "layers/zeros:5g",
            ImageSpec.builder()
                .layer(LayerSpec.gzipOfZeros(5L << 30), "RUN dd if=/dev/zero of=zeros.bin")
                .build());
    PushedLayer layer = big.single().layers().get(0);
    assertThat(layer.exceedsGzipIsize()).isTrue();

    UncompressedSize size =
        inspect(big.reference(), request().withUncompressed(true))
            .platforms()
            .get(0)
            .layers()
            .get(0)
            .uncompressedSize();

    assertThat(size.source()).isEqualTo("gzip-trailer");
    assertThat(size.exact()).isFalse();
    assertThat(layer.uncompressedSize()).isBetween(size.minBytes(), size.maxBytes());
    assertThat((layer.uncompressedSize() - size.bytes()) % (1L << 32)).isZero();
    assertThat(size.isUncertainAgainst(4L << 30)).isTrue();

    LayerFacts measured = inspect(big.reference(), request()).platforms().get(0).layers().get(0);
    UncompressedSize streamed =
        client
            .streamUncompressedSize(
                ImageReference.parse(big.reference()), measured, request(), 64L << 20)
            .get();
    assertThat(streamed).isEqualTo(UncompressedSize.exact(layer.uncompressedSize(), "stream"));
    assertThat(
            inspect(big.reference(), request().withUncompressed(true))
                .platforms()
                .get(0)
                .uncompressedSize()
                .exact())
        .isTrue();
  }
}
