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

  ManifestGet(ImageReference ref) {
    super(ref);
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Result read(Response response) throws IOException, RegistryException {
    byte[] body = CappedBody.read(response.body(), CappedBody.MANIFEST_CAP);
    String header = response.header("Docker-Content-Digest");
    String expected = ref.digest() != null ? ref.digest() : Digests.isValid(header) ? header : null;
    String digest = expected != null ? expected : Digests.of(body, null);
    Digests.verify(digest, body, ref, "the manifest");
    ManifestParser.Parsed manifest =
        ManifestParser.parseManifest(body, response.header("Content-Type"), ref);
    return new Result(digest, body, manifest);
  }
}
