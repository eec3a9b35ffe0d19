package dev.tonnage.registry;

/** An image reference that cannot be parsed; the message names the input and the reason. */
public final class InvalidReferenceException extends IllegalArgumentException {

  private final String reference;

  public InvalidReferenceException(String reference, String reason) {
    super("invalid image reference \"" + reference + "\": " + reason);
    this.reference = reference;
  }

  public String reference() {
    return reference;
  }
}
