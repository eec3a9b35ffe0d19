package dev.tonnage.registry;

/** An artifact that is not a container image (Helm chart, signature, SBOM ...). */
public final class NotAnImageException extends RegistryException {

  public NotAnImageException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public NotAnImageException(String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
