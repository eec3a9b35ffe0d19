package dev.tonnage.operator;

import dev.tonnage.admission.NamespaceLabels;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The informer-backed cache of what admission reads per review from the cluster: namespace labels.
 * Reviews read the cache; nothing calls the API server on the request path for them. (Pull secrets
 * are fetched by name on demand: {@link PullSecretReader}.)
 */
public final class ClusterCaches implements NamespaceLabels, AutoCloseable {

  private final SharedIndexInformer<Namespace> namespaces;

  private ClusterCaches(SharedIndexInformer<Namespace> namespaces) {
    this.namespaces = namespaces;
  }

  /**
   * Checks that the operator may list namespaces, starts the informer and waits up to {@code
   * timeout} for its first list. A refusal of the API server is one {@link IllegalStateException}
   * naming the permission.
   */
  public static ClusterCaches start(KubernetesClient client, Duration timeout)
      throws TimeoutException {
    // One small list first: a refusal becomes one message here, where an informer would log it
    // with a stack trace and stop.
    try {
      client.namespaces().list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new IllegalStateException(
            "the API server forbids the operator to list namespaces cluster-wide: grant get, list"
                + " and watch on namespaces (the chart's ClusterRole does) ("
                + reason(e)
                + ")",
            e);
      }
      throw new IllegalStateException(
          "cannot list namespaces cluster-wide to fill the caches: " + reason(e), e);
    }
    ClusterCaches caches = new ClusterCaches(client.namespaces().runnableInformer(0));
    try {
      caches
          .namespaces
          .start()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      caches.close();
      throw new TimeoutException(
          "the cache of namespaces did not fill within "
              + timeout
              + "; check that the API server is reachable and that the operator may list and"
              + " watch them");
    } catch (ExecutionException e) {
      caches.close();
      throw new IllegalStateException(
          "cannot start the cache of namespaces: " + reason(e.getCause()), e);
    } catch (InterruptedException e) {
      caches.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the caches started", e);
    }
    return caches;
  }

  /** Whether the cache holds a complete list: the readiness of admission. */
  public boolean synced() {
    return namespaces.hasSynced();
  }

  @Override
  public Map<String, String> labelsOf(String namespace) {
    Namespace cached = namespaces.getStore().getByKey(namespace);
    if (cached == null || cached.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return cached.getMetadata().getLabels();
  }

  @Override
  public void close() {
    namespaces.close();
  }

  /** The API server's own words for a failed call, without the client's request dump. */
  static String reason(Throwable e) {
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
