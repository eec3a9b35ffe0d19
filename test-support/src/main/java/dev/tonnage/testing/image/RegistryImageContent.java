package dev.tonnage.testing.image;

import java.io.ByteArrayInputStream;

/** Reads back what another tool pushed, measuring layers by decompressing them. */
final class RegistryImageContent implements ImageContent {

  private final RegistryClient client;
  private final String repository;

  RegistryImageContent(RegistryClient client, String repository) {
    this.client = client;
    this.repository = repository;
  }

  @Override
  public byte[] manifest(String digest) {
    return client.manifest(repository, digest).content();
  }

  @Override
  public byte[] blob(String digest) {
    return client.blob(repository, digest);
  }

  @Override
  public long uncompressedSize(String digest, String mediaType, long size) {
    if (MediaTypes.isGzip(mediaType)) {
      return Gzip.decompressedSize(new ByteArrayInputStream(blob(digest)));
    }
    if (MediaTypes.isZstd(mediaType)) {
      return ZstdFrames.decompressedSize(blob(digest));
    }
    return size;
  }
}
