package dev.tonnage.testing.image;

import java.util.List;

/**
 * The expected facts of one layer, computed from the pushed bytes.
 *
 * @param digest the layer digest
 * @param mediaType the layer media type in the manifest
 * @param size the compressed size (the manifest's descriptor size, equal to the blob length)
 * @param uncompressedSize the exact uncompressed size (the tar length)
 * @param createdBy the {@code created_by} of the config history entry that made the layer, or null
 * @param urls the descriptor URLs of a non-distributable layer (its blob is not in the registry)
 */
public record PushedLayer(
    String digest,
    String mediaType,
    long size,
    long uncompressedSize,
    String createdBy,
    List<String> urls) {

  public PushedLayer {
    urls = List.copyOf(urls);
  }

  /** True for a non-distributable layer whose blob the registry does not hold. */
  public boolean isForeign() {
    return !urls.isEmpty();
  }

  /** True when the uncompressed size is at least 4 GiB, where gzip's ISIZE trailer wraps. */
  public boolean exceedsGzipIsize() {
    return uncompressedSize >= LayerSpec.FOUR_GIB;
  }
}
