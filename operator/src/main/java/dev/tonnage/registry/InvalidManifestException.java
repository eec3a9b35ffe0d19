package dev.tonnage.registry;

/**
 * A manifest, index or config that cannot be used: malformed, oversized or not matching its digest.
 */
public final class InvalidManifestException extends RegistryException {

  public InvalidManifestException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public InvalidManifestException(
      String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
