package dev.tonnage.registry;

/** The registry has no such repository, tag, manifest or blob (HTTP 404). */
public final class NotFoundException extends RegistryException {

  public NotFoundException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public NotFoundException(String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
