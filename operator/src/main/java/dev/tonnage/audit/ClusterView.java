package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Collection;
import java.util.Map;

/** What the audit observes, read from informer caches: Pods, namespace labels and owners. */
public interface ClusterView extends OwnerLookup {

  /** The Pods of {@code namespace}, or of every namespace when it is null. */
  Collection<Pod> pods(String namespace);

  /** The labels of {@code namespace}; empty when it is unknown. */
  Map<String, String> namespaceLabels(String namespace);

  /** Calls {@code handler} on every later Pod change (and on the Pods already known). */
  void addPodHandler(ResourceEventHandler<Pod> handler);

  /** Calls {@code handler} on every later Namespace change (and on those already known). */
  void addNamespaceHandler(ResourceEventHandler<Namespace> handler);
}
