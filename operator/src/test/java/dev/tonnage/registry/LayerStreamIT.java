package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.PushedLayer;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming a zstd layer settles the size its frame header does not declare. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class LayerStreamIT {

  @Test
  void aZstdLayerWithoutAContentSizeIsStreamedToItsExactSizeAndRememberedByDigest()
      throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry);
        RegistryClient client =
            new RegistryClient(
                RegistryClientConfig.builder()
                    .insecureRegistries(Set.of(registry.hostPort()))
                    .build())) {
      PushedImage image =
          images.push(
              "layers/zstd:1",
              ImageSpec.builder()
                  .layer(
                      LayerSpec.zstdWithoutContentSize(
                          TarArchive.ofFile("app/data", "x".repeat(200_000))),
                      "COPY data /app/")
                  .build());
      PushedLayer pushed = image.single().layers().get(0);
      ImageReference ref = ImageReference.parse(image.reference());
      InspectRequest request =
          InspectRequest.of(RegistryCredentials.anonymous(), Duration.ofSeconds(30))
              .withUncompressed(true);
      LayerFacts before = client.inspect(ref, request).get().platforms().get(0).layers().get(0);
      assertThat(before.uncompressedSize() == null || !before.uncompressedSize().exact()).isTrue();

      UncompressedSize streamed =
          client.streamUncompressedSize(ref, before, request, 1L << 20).get();

      assertThat(streamed).isEqualTo(UncompressedSize.exact(pushed.uncompressedSize(), "stream"));
      LayerFacts after = client.inspect(ref, request).get().platforms().get(0).layers().get(0);
      assertThat(after.uncompressedSize()).isEqualTo(streamed);
    }
  }
}
