package dev.tonnage.registry;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * {@code GET /v2/<name>/blobs/<digest>} for small blobs (image configs): capped at 8 MiB and at the
 * size its descriptor declares, and verified against the digest. Layers are never fetched whole;
 * see {@link LayerEdgeRead}.
 */
final class BlobGet implements RegistryEndpoint<byte[]> {

  private final ImageReference repository;
  private final String digest;
  private final String what;
  private final long declaredSize;

  /**
   * @param declaredSize the size its descriptor declares, -1 when unknown; no more is read
   */
  BlobGet(ImageReference repository, String digest, String what, long declaredSize) {
    this.repository = repository;
    this.digest = digest;
    this.what = what;
    this.declaredSize = declaredSize;
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
  public String description() {
    return what + " " + digest + " of " + repository.name();
  }

  @Override
  public byte[] read(Response response) throws IOException, RegistryException {
    byte[] body =
        CappedBody.readDeclared(
            response.body(), declaredSize, CappedBody.CONFIG_CAP, repository, "the " + what);
    Digests.verify(digest, body, repository, "the " + what + " " + digest);
    return body;
  }
}
