package dev.tonnage.audit;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClusterView} over fabric8 informers on Pods, ReplicaSets, Jobs and Namespaces, shared by
 * both reconcilers: one watch per kind, whatever the number of policies. Started by the first
 * reconciler's event source, i.e. only on the replica that holds the leader lease.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

  private final KubernetesClient client;
  private final Duration syncTimeout;
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<ReplicaSet> replicaSets;
  private SharedIndexInformer<Job> jobs;
  private SharedIndexInformer<Namespace> namespaces;

  public InformerClusterView(KubernetesClient client, Duration syncTimeout) {
    this.client = client;
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
    namespaces = client.namespaces().runnableInformer(0);
    try {
      CompletableFuture.allOf(
              pods.start().toCompletableFuture(),
              replicaSets.start().toCompletableFuture(),
              jobs.start().toCompletableFuture(),
              namespaces.start().toCompletableFuture())
          .get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the audit's informers synced", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the audit's informers on Pods, ReplicaSets, Jobs and Namespaces did not sync within "
              + syncTimeout.toSeconds()
              + " s; check that the operator may list and watch them cluster-wide",
          e);
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
    Namespace ns = namespaces.getStore().getByKey(namespace);
    return ns == null || ns.getMetadata().getLabels() == null
        ? Map.of()
        : ns.getMetadata().getLabels();
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
    for (SharedIndexInformer<?> informer :
        new SharedIndexInformer<?>[] {pods, replicaSets, jobs, namespaces}) {
      if (informer != null) {
        informer.close();
      }
    }
    pods = null;
  }
}
