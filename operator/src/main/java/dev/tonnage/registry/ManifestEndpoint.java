package dev.tonnage.registry;

import java.util.List;
import okhttp3.HttpUrl;

/**
 * What the two manifest calls share: the route {@code /v2/<name>/manifests/<reference>} and the
 * Accept header listing every manifest and index type Tonnage reads.
 *
 * @param <T> what the call yields
 */
abstract class ManifestEndpoint<T> implements RegistryEndpoint<T> {

  final ImageReference ref;

  ManifestEndpoint(ImageReference ref) {
    this.ref = ref;
  }

  @Override
  public HttpUrl url(HttpUrl repositoryBase) {
    return repositoryBase
        .newBuilder()
        .addPathSegment("manifests")
        .addPathSegment(ref.identifier())
        .build();
  }

  @Override
  public List<String> accept() {
    return MediaTypes.MANIFEST_ACCEPT;
  }

  @Override
  public String description() {
    return "manifest of " + ref;
  }
}
