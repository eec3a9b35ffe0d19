package dev.tonnage.registry;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * {@code GET /v2/<name>/blobs/<digest>} of a whole gzip or zstd layer, decompressed as it arrives
 * and counted, never stored: the exact uncompressed size when the gzip trailer only bounds it or
 * the zstd frame header does not declare it (every gzip member and zstd frame counts, so eStargz
 * and zstd:chunked layers come out right too). The compressed bytes are verified against the
 * digest.
 */
final class LayerStream implements RegistryEndpoint<UncompressedSize> {

  private final ImageReference repository;
  private final Descriptor layer;
  private final Duration timeout;

  private final MediaTypes.Compression compression;

  /** {@code compression} is GZIP or ZSTD. */
  LayerStream(
      ImageReference repository,
      Descriptor layer,
      MediaTypes.Compression compression,
      Duration timeout) {
    if (compression == MediaTypes.Compression.NONE) {
      throw new IllegalArgumentException("an uncompressed layer's size is its blob size");
    }
    this.repository = repository;
    this.layer = layer;
    this.compression = compression;
    this.timeout = timeout;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl repositoryBase) {
    return repositoryBase
        .newBuilder()
        .addPathSegment("blobs")
        .addPathSegment(layer.digest())
        .build();
  }

  @Override
  public Duration callTimeout() {
    return timeout;
  }

  @Override
  public String description() {
    return "layer " + layer.digest() + " of " + repository.name();
  }

  @Override
  public UncompressedSize read(Response response) throws IOException, RegistryException {
    MessageDigest sha = sha(layer.digest());
    long uncompressed = 0;
    long compressed;
    try (InputStream body = response.body().byteStream();
        CountingStream counted = new CountingStream(new DigestInputStream(body, sha));
        InputStream decoded = decoder(counted)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = decoded.read(buffer); n >= 0; n = decoded.read(buffer)) {
        uncompressed += n;
      }
      // Trailing bytes after the last member still belong to the blob and its digest.
      counted.transferTo(OutputStream.nullOutputStream());
      compressed = counted.count;
    }
    String actual =
        layer.digest().substring(0, layer.digest().indexOf(':') + 1)
            + HexFormat.of().formatHex(sha.digest());
    if (compressed != layer.size() || !actual.equals(layer.digest())) {
      throw new InvalidManifestException(
          repository.registry(),
          repository.repository(),
          "layer "
              + layer.digest()
              + " of "
              + repository.name()
              + " streamed as "
              + compressed
              + " bytes with digest "
              + actual
              + "; the manifest says "
              + layer.size()
              + " bytes: the registry serves other content than the manifest names");
    }
    return UncompressedSize.exact(uncompressed, "stream");
  }

  private InputStream decoder(InputStream compressed) throws IOException {
    return compression == MediaTypes.Compression.ZSTD
        ? new ZstdInputStream(compressed)
        : new GZIPInputStream(compressed, 64 * 1024);
  }

  private static MessageDigest sha(String digest) {
    try {
      return MessageDigest.getInstance(digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256 and SHA-512", e);
    }
  }

  /** Counts what passes through. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
