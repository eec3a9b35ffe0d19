package dev.tonnage.registry;

import okhttp3.Response;

/**
 * {@code HEAD /v2/<name>/manifests/<tag>}: resolves a tag to a digest without a download (and
 * without counting as a Docker Hub pull).
 */
final class ManifestHead extends ManifestEndpoint<ManifestHead.Result> {

  /**
   * @param digest the {@code Docker-Content-Digest}, or null when the registry did not send one
   * @param mediaType the Content-Type, or null
   */
  record Result(String digest, String mediaType) {}

  ManifestHead(ImageReference ref) {
    super(ref);
  }

  @Override
  public String method() {
    return "HEAD";
  }

  /** Registries that do not support HEAD on manifests answer one of these: GET instead. */
  @Override
  public boolean reads(int status) {
    return status == 400 || status == 405 || status == 406 || status == 501;
  }

  /** The digest, or a result without one (the caller then GETs) when HEAD was refused. */
  @Override
  public Result read(Response response) {
    if (!response.isSuccessful()) {
      return new Result(null, null);
    }
    String digest = response.header("Docker-Content-Digest");
    return new Result(
        Digests.isValid(digest) ? digest : null, MediaTypes.bare(response.header("Content-Type")));
  }
}
