package dev.tonnage.testing.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to make one layer: a tar archive and its compression. The compressed blob is built once, on
 * first use, and shared by every image that uses this spec.
 */
public final class LayerSpec {

  /** The 4 GiB boundary where gzip's ISIZE trailer wraps. */
  public static final long FOUR_GIB = 1L << 32;

  private enum Compression {
    GZIP,
    ZSTD,
    ZSTD_WITHOUT_CONTENT_SIZE,
    NONE
  }

  private final TarArchive tar;
  private final long zeroFileSize;
  private final Compression compression;
  private final String foreignUrl;
  private final Map<String, String> annotations;
  private BuiltLayer built;

  private LayerSpec(
      TarArchive tar,
      long zeroFileSize,
      Compression compression,
      String foreignUrl,
      Map<String, String> annotations) {
    this.tar = tar;
    this.zeroFileSize = zeroFileSize;
    this.compression = compression;
    this.foreignUrl = foreignUrl;
    this.annotations = Map.copyOf(annotations);
  }

  public static LayerSpec gzip(TarArchive tar) {
    return new LayerSpec(tar, -1, Compression.GZIP, null, Map.of());
  }

  /** A gzip layer holding one text file: the shortest way to a real layer. */
  public static LayerSpec gzipFile(String path, String content) {
    return gzip(TarArchive.ofFile(path, content));
  }

  /** A zstd layer (raw/RLE blocks) whose frame header declares the content size. */
  public static LayerSpec zstd(TarArchive tar) {
    return new LayerSpec(tar, -1, Compression.ZSTD, null, Map.of());
  }

  /** A zstd layer whose frame header omits the content size, as streaming compressors do. */
  public static LayerSpec zstdWithoutContentSize(TarArchive tar) {
    return new LayerSpec(tar, -1, Compression.ZSTD_WITHOUT_CONTENT_SIZE, null, Map.of());
  }

  /** An uncompressed tar layer: its size is its uncompressed size. */
  public static LayerSpec uncompressed(TarArchive tar) {
    return new LayerSpec(tar, -1, Compression.NONE, null, Map.of());
  }

  /**
   * A non-distributable (foreign) gzip layer, downloaded by clients from {@code url}; registries do
   * not hold its blob, so it is not pushed.
   */
  public static LayerSpec foreign(TarArchive tar, String url) {
    return new LayerSpec(tar, -1, Compression.GZIP, url, Map.of());
  }

  /**
   * A gzip layer of a tar holding {@code fileSize} zero bytes, e.g. {@code FOUR_GIB + FOUR_GIB / 8}
   * for a layer whose gzip ISIZE wraps. Kept under {@code ~/.cache/tonnage/fixtures}.
   */
  public static LayerSpec gzipOfZeros(long fileSize) {
    return new LayerSpec(null, fileSize, Compression.GZIP, null, Map.of());
  }

  /** This layer with a descriptor annotation (OCI manifests only). */
  public LayerSpec withAnnotation(String key, String value) {
    Map<String, String> changed = new LinkedHashMap<>(annotations);
    changed.put(key, value);
    return new LayerSpec(tar, zeroFileSize, compression, foreignUrl, changed);
  }

  public boolean isForeign() {
    return foreignUrl != null;
  }

  List<String> urls() {
    return foreignUrl == null ? List.of() : List.of(foreignUrl);
  }

  Map<String, String> annotations() {
    return annotations;
  }

  String mediaType(ManifestFormat format) {
    boolean oci = format.isOci();
    if (foreignUrl != null) {
      return oci ? MediaTypes.OCI_NONDISTRIBUTABLE_LAYER_GZIP : MediaTypes.DOCKER_FOREIGN_LAYER;
    }
    return switch (compression) {
      case GZIP -> oci ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP;
      case ZSTD, ZSTD_WITHOUT_CONTENT_SIZE ->
          oci ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.DOCKER_LAYER_ZSTD;
      case NONE -> oci ? MediaTypes.OCI_LAYER_TAR : MediaTypes.DOCKER_LAYER_TAR;
    };
  }

  synchronized BuiltLayer build() {
    if (built == null) {
      built =
          zeroFileSize >= 0 ? ZeroLayerCache.inUserCache().gzipOfZeros(zeroFileSize) : compress();
    }
    return built;
  }

  private BuiltLayer compress() {
    byte[] content = tar.toBytes();
    byte[] blob =
        switch (compression) {
          case GZIP -> Gzip.compress(content);
          case ZSTD -> ZstdFrames.frame(content, true);
          case ZSTD_WITHOUT_CONTENT_SIZE -> ZstdFrames.frame(content, false);
          case NONE -> content;
        };
    return new BuiltLayer(Blob.of(blob), content.length, Sha256.digest(content));
  }
}
