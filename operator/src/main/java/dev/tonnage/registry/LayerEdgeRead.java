package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * {@code GET /v2/<name>/blobs/<digest>} with a {@code Range} header: the first or last few bytes of
 * a layer (zstd frame header, gzip trailer). A registry that ignores the Range gets its body
 * abandoned after a few bytes: layers are never downloaded here.
 */
final class LayerEdgeRead implements RegistryEndpoint<Optional<byte[]>> {

  private final ImageReference repository;
  private final String digest;
  private final long blobSize;
  private final long first;
  private final long last;

  private LayerEdgeRead(
      ImageReference repository, String digest, long blobSize, long first, long last) {
    this.repository = repository;
    this.digest = digest;
    this.blobSize = blobSize;
    this.first = first;
    this.last = last;
  }

  /** The last {@code n} bytes of a blob of {@code blobSize} bytes. */
  static LayerEdgeRead tail(ImageReference repository, String digest, long blobSize, int n) {
    return new LayerEdgeRead(repository, digest, blobSize, blobSize - n, blobSize - 1);
  }

  /** The first {@code n} bytes (or fewer when the blob is shorter). */
  static LayerEdgeRead head(ImageReference repository, String digest, long blobSize, int n) {
    return new LayerEdgeRead(repository, digest, blobSize, 0, Math.min(n, blobSize) - 1);
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl repositoryBase) {
    return repositoryBase.newBuilder().addPathSegment("blobs").addPathSegment(digest).build();
  }

  @Override
  public Map<String, String> headers() {
    return Map.of("Range", "bytes=" + first + "-" + last);
  }

  @Override
  public String description() {
    return "bytes " + first + "-" + last + " of layer " + digest + " of " + repository.name();
  }

  @Override
  public boolean reads(int status) {
    return status == 416;
  }

  /** The requested bytes, or empty when the registry did not honour the range as asked. */
  @Override
  public Optional<byte[]> read(Response response) throws IOException {
    if (response.code() != 206 || !rangeMatches(response.header("Content-Range"))) {
      return Optional.empty(); // the body is closed unread by the caller
    }
    int wanted = (int) (last - first + 1);
    try (InputStream in = response.body().byteStream()) {
      byte[] bytes = in.readNBytes(wanted);
      return bytes.length == wanted ? Optional.of(bytes) : Optional.empty();
    }
  }

  /** {@code bytes first-last/total}; the total, when given, must be the manifest's blob size. */
  private boolean rangeMatches(String contentRange) {
    if (contentRange == null) {
      return true;
    }
    String expected = "bytes " + first + "-" + last + "/";
    if (!contentRange.trim().startsWith(expected)) {
      return false;
    }
    String total = contentRange.trim().substring(expected.length());
    return total.equals("*") || total.equals(Long.toString(blobSize));
  }
}
