package dev.tonnage.facts;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.NotFoundException;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An inspector answering from a table (an image it does not know is {@link NotFoundException});
 * remembers every call.
 */
public final class FakeImageInspector implements ImageInspector {

  public record Call(ImageReference reference, InspectRequest request) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<ImageReference, CompletableFuture<ImageFacts>> answers =
      new ConcurrentHashMap<>();

  public FakeImageInspector answer(String image, CompletableFuture<ImageFacts> facts) {
    answers.put(ImageReference.parse(image), facts);
    return this;
  }

  /** One linux/amd64 image whose single layer has {@code layerSize} compressed bytes. */
  public FakeImageInspector image(String image, long layerSize) {
    return answer(image, CompletableFuture.completedFuture(facts(image, layerSize)));
  }

  /** {@code image} fails with {@code error}. */
  public FakeImageInspector fail(String image, Throwable error) {
    return answer(image, CompletableFuture.failedFuture(error));
  }

  public static ImageFacts facts(String image, long layerSize) {
    ImageReference ref = ImageReference.parse(image);
    String digest = "sha256:" + String.format("%064x", Math.abs((long) image.hashCode()));
    List<LayerFacts> layers = new ArrayList<>();
    layers.add(
        new LayerFacts(
            "sha256:" + "a".repeat(64),
            "application/vnd.oci.image.layer.v1.tar+gzip",
            layerSize,
            UncompressedSize.exact(layerSize * 3, "gzip-trailer"),
            "RUN apt-get install -y build-essential"));
    PlatformFacts amd64 =
        new PlatformFacts(
            Platform.LINUX_AMD64,
            digest,
            "sha256:" + "c".repeat(64),
            layerSize + 1000,
            UncompressedSize.exact(layerSize * 3, "sum"),
            1,
            layerSize,
            layers,
            null,
            Map.of());
    return new ImageFacts(
        ref, digest, "application/vnd.oci.image.manifest.v1+json", List.of(amd64));
  }

  @Override
  public CompletableFuture<ImageFacts> inspect(ImageReference ref, InspectRequest request) {
    calls.add(new Call(ref, request));
    CompletableFuture<ImageFacts> answer = answers.get(ref);
    return answer != null
        ? answer
        : CompletableFuture.failedFuture(
            new NotFoundException(ref.registry(), ref.repository(), ref + ": manifest unknown"));
  }
}
