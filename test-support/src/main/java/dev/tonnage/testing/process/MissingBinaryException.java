package dev.tonnage.testing.process;

/** A component's executable is not installed; the message says how to install it. */
public final class MissingBinaryException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public MissingBinaryException(String message) {
    super(message);
  }
}
