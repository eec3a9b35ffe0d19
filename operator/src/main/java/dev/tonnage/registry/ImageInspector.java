package dev.tonnage.registry;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Measures images straight from their registry. The one entry point the webhook, the audit and the
 * CLI use; {@link RegistryClient} is the implementation, tests use fakes.
 */
public interface ImageInspector {

  /**
   * The facts of {@code ref}. The future completes by {@code request.deadline()} at the latest:
   * with the facts, or exceptionally with a {@link RegistryException} ({@link
   * RegistryTimeoutException} when the deadline passed first).
   */
  CompletableFuture<ImageFacts> inspect(ImageReference ref, InspectRequest request);

  /** Blocking form of {@link #inspect}: waits until {@code request.deadline()} at the latest. */
  default ImageFacts inspectNow(ImageReference ref, InspectRequest request)
      throws RegistryException {
    try {
      return inspect(ref, request).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RegistryException registryException) {
        throw registryException;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("inspecting " + ref + " failed", e.getCause());
    } catch (CancellationException e) {
      throw new RegistryTimeoutException(
          ref.registry(), ref.repository(), "inspecting " + ref + " was cancelled");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryTimeoutException(
          ref.registry(), ref.repository(), "interrupted while inspecting " + ref);
    }
  }
}
