package dev.tonnage.audit;

/**
 * A policy spec the CRD schema accepted but the evaluator cannot compile, e.g. a malformed glob.
 * The message names the field path and says what is wrong.
 */
public final class InvalidPolicyException extends Exception {

  private final String field;

  public InvalidPolicyException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  /** The field path, e.g. {@code spec.match.images[0]}. */
  public String field() {
    return field;
  }
}
