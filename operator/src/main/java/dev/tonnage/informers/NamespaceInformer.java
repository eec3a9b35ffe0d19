package dev.tonnage.informers;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The operator's one watch on Namespaces: admission reads labels from it per review, the audit
 * reads them per audit and re-audits on label changes. {@link #start()} may be called by each user;
 * the informer starts once.
 */
public final class NamespaceInformer implements AutoCloseable {

  private final SharedIndexInformer<Namespace> informer;
  private CompletionStage<Void> started;

  public NamespaceInformer(KubernetesClient client) {
    this.informer = client.namespaces().runnableInformer(0);
  }

  /** Starts the informer unless started; completes when it holds the first list. */
  public synchronized CompletionStage<Void> start() {
    if (started == null) {
      started = informer.start();
    }
    return started;
  }

  /** The labels of {@code namespace}; empty when it is unknown. */
  public Map<String, String> labelsOf(String namespace) {
    Namespace cached = informer.getStore().getByKey(namespace);
    if (cached == null || cached.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return cached.getMetadata().getLabels();
  }

  /** Calls {@code handler} on every later change (and on the Namespaces already known). */
  public void addHandler(ResourceEventHandler<Namespace> handler) {
    informer.addEventHandler(handler);
  }

  public boolean synced() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    informer.close();
  }
}
