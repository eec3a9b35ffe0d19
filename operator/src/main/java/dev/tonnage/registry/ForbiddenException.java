package dev.tonnage.registry;

/** The credentials are valid but may not pull from this repository (HTTP 403). */
public final class ForbiddenException extends RegistryException {

  public ForbiddenException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public ForbiddenException(String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
