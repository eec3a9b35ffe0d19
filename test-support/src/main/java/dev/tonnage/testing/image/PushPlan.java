package dev.tonnage.testing.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one push uploads, in upload order (blobs, then manifests children first), and the
 * content {@link ExpectedFacts} measures: the same bytes that are uploaded.
 */
final class PushPlan implements ImageContent {

  /** A manifest to put by digest (children of an index) or by the push's tag (the last one). */
  record ManifestUpload(String digest, String mediaType, byte[] content) {}

  private final Map<String, Blob> blobs = new LinkedHashMap<>();
  private final List<ManifestUpload> manifests = new ArrayList<>();
  private final Map<String, Long> uncompressedSizes = new HashMap<>();

  void addBlob(Blob blob) {
    blobs.putIfAbsent(blob.digest(), blob);
  }

  /** A layer's blob; foreign layers are measured but not uploaded. */
  void addLayer(BuiltLayer layer, boolean upload) {
    if (upload) {
      addBlob(layer.blob());
    }
    uncompressedSizes.put(layer.blob().digest(), layer.uncompressedSize());
  }

  /** A blob that is a layer stored as-is (in-toto statements, chart archives). */
  void addUncompressedLayer(Blob blob) {
    addBlob(blob);
    uncompressedSizes.put(blob.digest(), blob.size());
  }

  void addManifest(ManifestUpload manifest) {
    manifests.add(manifest);
  }

  List<Blob> blobs() {
    return List.copyOf(blobs.values());
  }

  List<ManifestUpload> manifests() {
    return List.copyOf(manifests);
  }

  @Override
  public byte[] manifest(String digest) {
    return manifests.stream()
        .filter(m -> m.digest().equals(digest))
        .findFirst()
        .map(ManifestUpload::content)
        .orElseThrow(
            () -> new IllegalStateException("manifest " + digest + " is not in this push"));
  }

  @Override
  public byte[] blob(String digest) {
    Blob blob = blobs.get(digest);
    if (blob == null) {
      throw new IllegalStateException("blob " + digest + " is not in this push");
    }
    return blob.bytes();
  }

  @Override
  public long uncompressedSize(String digest, String mediaType, long size) {
    Long measured = uncompressedSizes.get(digest);
    if (measured == null) {
      throw new IllegalStateException("layer " + digest + " was not measured in this push");
    }
    return measured;
  }
}
