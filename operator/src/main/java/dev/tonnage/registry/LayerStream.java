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
    Streamed streamed;
    try (InputStream body = response.body().byteStream()) {
      streamed = stream(body, layer.digest(), compression);
    }
    if (streamed.compressedBytes() != layer.size() || !streamed.digest().equals(layer.digest())) {
      throw new InvalidManifestException(
          repository.registry(),
          repository.repository(),
          "layer "
              + layer.digest()
              + " of "
              + repository.name()
              + " streamed as "
              + streamed.compressedBytes()
              + " bytes with digest "
              + streamed.digest()
              + "; the manifest says "
              + layer.size()
              + " bytes: the registry serves other content than the manifest names");
    }
    return UncompressedSize.exact(streamed.uncompressedBytes(), "stream");
  }

  /**
   * What reading a whole blob found.
   *
   * @param compressedBytes the blob's bytes
   * @param uncompressedBytes the bytes its decoder gave (all gzip members, all zstd frames)
   * @param digest the blob's digest, with the algorithm of the expected one
   */
  record Streamed(long compressedBytes, long uncompressedBytes, String digest) {}

  /**
   * Reads {@code blob} to its end through its decoder, counting and hashing, holding one 64 KiB
   * buffer: the registry stream and local layers ({@link LocalImageReader}) alike. A {@code NONE}
   * blob's uncompressed size is its size.
   */
  static Streamed stream(
      InputStream blob, String expectedDigest, MediaTypes.Compression compression)
      throws IOException {
    MessageDigest sha = sha(expectedDigest);
    long uncompressed = 0;
    long compressed;
    try (CountingStream counted = new CountingStream(new DigestInputStream(blob, sha));
        InputStream decoded = decoder(counted, compression)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = decoded.read(buffer); n >= 0; n = decoded.read(buffer)) {
        uncompressed += n;
      }
      // Trailing bytes after the last member still belong to the blob and its digest.
      counted.transferTo(OutputStream.nullOutputStream());
      compressed = counted.count;
    }
    String actual =
        expectedDigest.substring(0, expectedDigest.indexOf(':') + 1)
            + HexFormat.of().formatHex(sha.digest());
    return new Streamed(compressed, uncompressed, actual);
  }

  private static InputStream decoder(InputStream compressed, MediaTypes.Compression compression)
      throws IOException {
    return switch (compression) {
      case ZSTD -> new ZstdInputStream(compressed);
      case GZIP -> new GZIPInputStream(compressed, 64 * 1024);
      default ->
          new FilterInputStream(compressed) {
            @Override
            public void close() {
              // the counting stream below is closed by its own try
            }
          };
    };
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
