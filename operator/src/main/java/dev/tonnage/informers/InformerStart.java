package dev.tonnage.informers;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way the operator waits for informers: their first lists within a deadline, with one
 * message naming what did not fill and what to check. The callers close their informers when it
 * throws.
 */
public final class InformerStart {

  private InformerStart() {}

  /**
   * Waits until every start in {@code starts} completed.
   *
   * @param what what the informers cache, e.g. "namespaces, secrets"
   * @param remedy what to check when they do not fill
   * @throws TimeoutException when they have not filled within {@code timeout}
   * @throws IllegalStateException when one failed, with the API server's own words
   */
  public static void await(
      List<? extends CompletionStage<?>> starts, Duration timeout, String what, String remedy)
      throws TimeoutException {
    try {
      CompletableFuture.allOf(
              starts.stream()
                  .map(CompletionStage::toCompletableFuture)
                  .toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "the caches of " + what + " did not fill within " + timeout + "; " + remedy);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot start the caches of " + what + ": " + reason(e.getCause()) + "; " + remedy, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the caches of " + what + " started", e);
    }
  }

  /** The API server's own words for a failed call, without the client's request dump. */
  public static String reason(Throwable e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      String message = k.getStatus().getMessage();
      return "HTTP " + k.getCode() + (message == null ? "" : ": " + message);
    }
    if (e == null) {
      return "unknown error";
    }
    Throwable cause = e.getCause();
    return e.getMessage() + (cause == null || cause == e ? "" : ": " + cause);
  }
}
