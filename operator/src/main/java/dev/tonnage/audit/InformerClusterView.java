package dev.tonnage.audit;

import dev.tonnage.informers.InformerStart;
import dev.tonnage.informers.NamespaceInformer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ClusterView} over fabric8 informers on Pods, ReplicaSets, Jobs and Namespaces, shared by
 * both reconcilers: one watch per kind, whatever the number of policies; the Namespace watch is the
 * one admission reads too. Started by the first reconciler's event source, i.e. only on the replica
 * that holds the leader lease.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

  private final KubernetesClient client;
  private final Duration syncTimeout;
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<ReplicaSet> replicaSets;
  private SharedIndexInformer<Job> jobs;
  private final NamespaceInformer namespaces;

  /**
   * @param namespaces the operator's one Namespace watch (started here too, if not yet)
   */
  public InformerClusterView(
      KubernetesClient client, NamespaceInformer namespaces, Duration syncTimeout) {
    this.client = client;
    this.namespaces = namespaces;
    this.syncTimeout = syncTimeout;
  }

  /** Starts the informers once and waits until their caches hold a full list. */
  public synchronized void start() {
    if (pods != null) {
      return;
    }
    pods = client.pods().inAnyNamespace().runnableInformer(0).itemStore(new SlimPodStore());
    replicaSets = client.apps().replicaSets().inAnyNamespace().runnableInformer(0);
    jobs = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
    try {
      InformerStart.await(
          List.of(pods.start(), replicaSets.start(), jobs.start(), namespaces.start()),
          syncTimeout,
          "pods, replicasets, jobs, namespaces",
          "check that the operator may list and watch them cluster-wide");
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void addPodHandler(ResourceEventHandler<Pod> handler) {
    start();
    pods.addEventHandler(handler);
  }

  @Override
  public Collection<Pod> pods(String namespace) {
    start();
    return namespace == null
        ? pods.getStore().list()
        : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    start();
    return namespaces.labelsOf(namespace);
  }

  @Override
  public void addNamespaceHandler(ResourceEventHandler<Namespace> handler) {
    start();
    namespaces.addHandler(handler);
  }

  @Override
  public List<OwnerReference> ownersOf(String kind, String namespace, String name) {
    start();
    String key = namespace + "/" + name;
    HasMetadata owner =
        switch (kind) {
          case "ReplicaSet" -> replicaSets.getStore().getByKey(key);
          case "Job" -> jobs.getStore().getByKey(key);
          default -> null;
        };
    return owner == null || owner.getMetadata().getOwnerReferences() == null
        ? List.of()
        : owner.getMetadata().getOwnerReferences();
  }

  @Override
  public synchronized void close() {
    for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {pods, replicaSets, jobs}) {
      if (informer != null) {
        informer.close();
      }
    }
    pods = null;
  }
}
