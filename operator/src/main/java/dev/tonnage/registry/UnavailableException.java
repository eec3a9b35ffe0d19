package dev.tonnage.registry;

/**
 * The registry could not be reached or failed: connection refused or reset, TLS failure, HTTP 5xx,
 * a refused address, an unexpected status. {@link #temporary()} is false for what retrying cannot
 * fix (TLS trust, refused address, plain HTTP not allowed).
 */
public final class UnavailableException extends RegistryException {

  private final boolean temporary;

  public UnavailableException(
      String registry, String repository, String message, boolean temporary, Throwable cause) {
    super(registry, repository, message, cause);
    this.temporary = temporary;
  }

  @Override
  public boolean temporary() {
    return temporary;
  }
}
