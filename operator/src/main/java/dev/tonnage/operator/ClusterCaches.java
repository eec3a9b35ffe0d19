package dev.tonnage.operator;

import dev.tonnage.admission.NamespaceLabels;
import dev.tonnage.informers.InformerStart;
import dev.tonnage.informers.NamespaceInformer;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The informer-backed cache of what admission reads per review from the cluster: namespace labels,
 * through the one Namespace watch the audit shares. Reviews read the cache; nothing calls the API
 * server on the request path for them. (Pull secrets are fetched by name on demand: {@link
 * PullSecretReader}.)
 */
public final class ClusterCaches implements NamespaceLabels, AutoCloseable {

  private final NamespaceInformer namespaces;

  private ClusterCaches(NamespaceInformer namespaces) {
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
                + InformerStart.reason(e)
                + ")",
            e);
      }
      throw new IllegalStateException(
          "cannot list namespaces cluster-wide to fill the caches: " + InformerStart.reason(e), e);
    }
    ClusterCaches caches = new ClusterCaches(new NamespaceInformer(client));
    try {
      InformerStart.await(
          List.of(caches.namespaces.start()),
          timeout,
          "namespaces",
          "check that the API server is reachable and that the operator may list and watch them");
    } catch (TimeoutException | RuntimeException e) {
      caches.close();
      throw e;
    }
    return caches;
  }

  /** The one Namespace watch, for the audit to share. */
  public NamespaceInformer namespaces() {
    return namespaces;
  }

  /** Whether the cache holds a complete list: the readiness of admission. */
  public boolean synced() {
    return namespaces.synced();
  }

  @Override
  public Map<String, String> labelsOf(String namespace) {
    return namespaces.labelsOf(namespace);
  }

  @Override
  public void close() {
    namespaces.close();
  }
}
