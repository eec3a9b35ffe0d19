package dev.tonnage.tls;

/**
 * A certificate or key that cannot be used. The message names the file or source, what was expected
 * and what was found; it never contains key material.
 */
public final class TlsMaterialException extends RuntimeException {

  public TlsMaterialException(String message) {
    super(message);
  }

  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
