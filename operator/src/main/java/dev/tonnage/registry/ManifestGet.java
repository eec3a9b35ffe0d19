package dev.tonnage.registry;

import java.io.IOException;
import okhttp3.Response;

/**
 * {@code GET /v2/<name>/manifests/<reference>}: a manifest or index, capped at 4 MiB, its digest
 * verified against the digest asked for or, by tag, the {@code Docker-Content-Digest} given.
 */
final class ManifestGet extends ManifestEndpoint<ManifestGet.Result> {

  /** The verified manifest: its digest, raw bytes and parsed form. */
  record Result(String digest, byte[] body, ManifestParser.Parsed manifest) {}

  private final long declaredSize;

  ManifestGet(ImageReference ref) {
    this(ref, -1);
  }

  /**
   * @param declaredSize the size an index entry declares for it, -1 when unknown; no more is read
   */
  ManifestGet(ImageReference ref, long declaredSize) {
    super(ref);
    this.declaredSize = declaredSize;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Result read(Response response) throws IOException, RegistryException {
    byte[] body =
        CappedBody.readDeclared(
            response.body(), declaredSize, CappedBody.MANIFEST_CAP, ref, "the manifest");
    String header = response.header("Docker-Content-Digest");
    String expected = ref.digest() != null ? ref.digest() : Digests.isValid(header) ? header : null;
    String digest = expected != null ? expected : Digests.of(body, null);
    Digests.verify(digest, body, ref, "the manifest");
    ManifestParser.Parsed manifest =
        ManifestParser.parseManifest(body, response.header("Content-Type"), ref);
    return new Result(digest, body, manifest);
  }
}
