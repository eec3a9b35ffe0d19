package dev.tonnage.audit;

import dev.tonnage.facts.FactsService;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.UncompressedSize;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds single-platform image facts of a given compressed size. */
final class TestingFacts {

  private TestingFacts() {}

  /**
   * Facts from {@code inspector} through the facts path, anonymously, each within {@code timeout}.
   */
  static ImageMeasurer.Source source(ImageInspector inspector, Duration timeout) {
    return new ImageMeasurer.Source(
        new FactsService(inspector, Clock.systemUTC()), RegistryCredentials.anonymous(), timeout);
  }

  static ImageFacts ofSize(ImageReference ref, long compressedSize) {
    String digest = digestOf(ref.toString());
    PlatformFacts platform =
        new PlatformFacts(
            Platform.LINUX_AMD64,
            digest,
            digestOf("config " + ref),
            compressedSize,
            UncompressedSize.exact(compressedSize * 3, "sum"),
            1,
            compressedSize,
            List.of(),
            null,
            Map.of());
    return new ImageFacts(
        ref, digest, "application/vnd.oci.image.manifest.v1+json", List.of(platform));
  }

  /** One gzip layer of {@code compressedSize} whose uncompressed size is {@code uncompressed}. */
  static ImageFacts withUncompressed(
      ImageReference ref, long compressedSize, UncompressedSize uncompressed) {
    String digest = digestOf(ref.toString());
    LayerFacts layer =
        new LayerFacts(
            digestOf("layer " + ref),
            "application/vnd.oci.image.layer.v1.tar+gzip",
            compressedSize,
            uncompressed,
            "RUN dd if=/dev/zero of=/zeros");
    PlatformFacts platform =
        new PlatformFacts(
            Platform.LINUX_AMD64,
            digest,
            digestOf("config " + ref),
            compressedSize,
            uncompressed,
            1,
            compressedSize,
            List.of(layer),
            null,
            Map.of());
    return new ImageFacts(
        ref, digest, "application/vnd.oci.image.manifest.v1+json", List.of(platform));
  }

  /** {@code layers} layers of one byte, each made by {@code history}. */
  static ImageFacts withHistory(ImageReference ref, String history, int layers) {
    String digest = digestOf(ref.toString());
    List<LayerFacts> made = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      made.add(
          new LayerFacts(
              digestOf("layer " + i),
              "application/vnd.oci.image.layer.v1.tar+gzip",
              1,
              null,
              history));
    }
    PlatformFacts platform =
        new PlatformFacts(
            Platform.LINUX_AMD64,
            digest,
            digestOf("config " + ref),
            layers,
            null,
            layers,
            1,
            made,
            null,
            Map.of());
    return new ImageFacts(
        ref, digest, "application/vnd.oci.image.manifest.v1+json", List.of(platform));
  }

  static String digestOf(String text) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
