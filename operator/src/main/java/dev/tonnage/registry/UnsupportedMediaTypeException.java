package dev.tonnage.registry;

/** A manifest media type Tonnage does not read (Docker schema 1, unknown types). */
public final class UnsupportedMediaTypeException extends RegistryException {

  public UnsupportedMediaTypeException(String registry, String repository, String message) {
    this(registry, repository, message, null);
  }

  public UnsupportedMediaTypeException(
      String registry, String repository, String message, Throwable cause) {
    super(registry, repository, message, cause);
  }

  @Override
  public boolean temporary() {
    return false;
  }
}
