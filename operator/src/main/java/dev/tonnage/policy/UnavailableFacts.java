package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.RegistryErrorAction;

/**
 * An image a policy covers whose facts could not be had.
 *
 * @param container the container name; empty for a bare image
 * @param image the image as written
 * @param reason a short cause, e.g. Timeout or NotFound
 * @param message what happened
 * @param cause what failed in a few words, for warnings and log lines
 * @param onRegistryError what the policy does about it
 */
public record UnavailableFacts(
    String container,
    String image,
    String reason,
    String message,
    String cause,
    RegistryErrorAction onRegistryError) {

  /** Missing facts whose short cause is the reason word itself. */
  public UnavailableFacts(
      String container,
      String image,
      String reason,
      String message,
      RegistryErrorAction onRegistryError) {
    this(container, image, reason, message, reason, onRegistryError);
  }
}
