package dev.tonnage.admission;

/**
 * What happens when Tonnage itself cannot decide (an internal error): the webhook configurations'
 * failurePolicy, applied the same way in Tonnage's own answers so that an error Tonnage catches and
 * an error the API server sees (timeout, connection refused) end alike.
 */
public enum FailurePolicy {
  /** Allow the object, with a warning saying it was not checked. */
  IGNORE("Ignore"),
  /** Deny the object. */
  FAIL("Fail");

  private final String kubernetesName;

  FailurePolicy(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** The value of a webhook's {@code failurePolicy} field. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
