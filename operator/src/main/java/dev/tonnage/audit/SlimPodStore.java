package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The Pod informer's store, keeping of each Pod only what the audit reads: name, namespace, uid,
 * labels, owners, container names and images, node selector and node affinity, phase. A real Pod
 * with its managedFields, env, volumes and status is several KiB of JSON (more as objects); what
 * stays is under 1 KiB, so 10,000 Pods cost megabytes, not the heap.
 */
final class SlimPodStore implements ItemStore<Pod> {

  private final Map<String, Pod> pods = new ConcurrentHashMap<>();

  @Override
  public String getKey(Pod pod) {
    return Cache.metaNamespaceKeyFunc(pod);
  }

  @Override
  public Pod put(String key, Pod pod) {
    return pods.put(key, slim(pod));
  }

  @Override
  public Pod remove(String key) {
    return pods.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return pods.keySet().stream();
  }

  @Override
  public Stream<Pod> values() {
    return pods.values().stream();
  }

  @Override
  public int size() {
    return pods.size();
  }

  @Override
  public Pod get(String key) {
    return pods.get(key);
  }

  /** The parts of {@code pod} the audit reads. */
  static Pod slim(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    PodBuilder slim =
        new PodBuilder()
            .withNewMetadata()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withLabels(meta.getLabels())
            .withOwnerReferences(meta.getOwnerReferences())
            .endMetadata();
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      slim.withNewSpec()
          .withInitContainers(containers(spec.getInitContainers()))
          .withContainers(containers(spec.getContainers()))
          .withEphemeralContainers(ephemeral(spec.getEphemeralContainers()))
          .withNodeSelector(spec.getNodeSelector())
          .withAffinity(nodeAffinityOf(spec.getAffinity()))
          .endSpec();
    }
    if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
      slim.withNewStatus().withPhase(pod.getStatus().getPhase()).endStatus();
    }
    return slim.build();
  }

  private static List<Container> containers(List<Container> containers) {
    return containers == null
        ? null
        : containers.stream()
            .map(c -> new ContainerBuilder().withName(c.getName()).withImage(c.getImage()).build())
            .toList();
  }

  private static List<EphemeralContainer> ephemeral(List<EphemeralContainer> containers) {
    return containers == null
        ? null
        : containers.stream()
            .map(
                c ->
                    new EphemeralContainerBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .build())
            .toList();
  }

  private static Affinity nodeAffinityOf(Affinity affinity) {
    return affinity == null || affinity.getNodeAffinity() == null
        ? null
        : new AffinityBuilder().withNodeAffinity(affinity.getNodeAffinity()).build();
  }
}
