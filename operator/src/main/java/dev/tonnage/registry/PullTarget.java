package dev.tonnage.registry;

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
