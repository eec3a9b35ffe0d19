package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.RegistryErrorAction;

/**
 * An image a policy covers whose facts could not be had.
 *
 * @param container the container name; empty for a bare image
 * @param image the image as written
 * @param reason a short cause, e.g. Timeout or NotFound
 * @param message what happened
 * @param onRegistryError what the policy does about it
 */
public record UnavailableFacts(
    String container,
    String image,
    String reason,
    String message,
    RegistryErrorAction onRegistryError) {}
