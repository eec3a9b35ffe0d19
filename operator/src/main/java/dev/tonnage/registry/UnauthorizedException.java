package dev.tonnage.registry;

/** The registry wants credentials that were not given or were rejected (HTTP 401). */
public final class UnauthorizedException extends RegistryException {

  public UnauthorizedException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public UnauthorizedException(
      String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
