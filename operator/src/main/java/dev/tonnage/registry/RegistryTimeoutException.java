package dev.tonnage.registry;

/**
 * The caller's deadline passed before the facts were complete. The fetch may go on in the
 * background and warm the cache, so a later request for the same image can be answered at once.
 */
public final class RegistryTimeoutException extends RegistryException {

  public RegistryTimeoutException(String registry, String repository, String message) {
    super(registry, repository, message, null);
  }

  @Override
  public boolean temporary() {
    return true;
  }
}
