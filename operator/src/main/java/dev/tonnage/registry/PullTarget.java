package dev.tonnage.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Who pulls what: a repository on a registry and the credential (or none) used for it.
 *
 * @param registry host[:port]
 * @param repository repository path
 * @param credential the credential for this registry, or null for anonymous
 */
record PullTarget(String registry, String repository, Credential credential) {

  static PullTarget of(ImageReference ref, RegistryCredentials credentials) {
    return new PullTarget(
        ref.registry(), ref.repository(), credentials.forRegistry(ref.registry()).orElse(null));
  }

  /**
   * Where {@code ref} is fetched from, in order: the configured mirrors of its registry, each with
   * the mirror host's own credential, then the registry itself.
   */
  static List<PullTarget> routes(
      ImageReference ref, RegistryCredentials credentials, RegistryClientConfig config) {
    List<PullTarget> routes = new ArrayList<>();
    for (RegistryMirror mirror : config.mirrorsOf(ref.registry())) {
      routes.add(
          new PullTarget(
              mirror.host(),
              ref.repository(),
              credentials.forRegistry(mirror.host()).orElse(null)));
    }
    routes.add(of(ref, credentials));
    return routes;
  }

  /** Cache-key name of who is asking: a one-way fingerprint, never the secret. */
  String principal() {
    return credential == null ? "anonymous" : credential.fingerprint();
  }

  /** The token scope for pulling this repository. */
  String pullScope() {
    return "repository:" + repository + ":pull";
  }

  @Override
  public String toString() {
    return registry + "/" + repository + " as " + (credential == null ? "anonymous" : "user");
  }
}
