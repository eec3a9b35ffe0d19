package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory {@link ClusterView}: Pods, owners and namespace labels held in plain maps. */
final class TestingCluster implements ClusterView {

  private final List<Pod> pods = new ArrayList<>();
  private final Map<String, List<OwnerReference>> owners = new HashMap<>();
  private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

  /** Loads a {@code kind: List} of Pods and owners from a test resource. */
  static TestingCluster fromResource(String name) {
    try (InputStream in = TestingCluster.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      TestingCluster cluster = new TestingCluster();
      KubernetesList list = Serialization.unmarshal(in, KubernetesList.class);
      list.getItems().forEach(cluster::add);
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TestingCluster add(HasMetadata object) {
    if (object instanceof Pod pod) {
      pods.add(pod);
    } else {
      owners.put(
          key(
              object.getKind(),
              object.getMetadata().getNamespace(),
              object.getMetadata().getName()),
          object.getMetadata().getOwnerReferences());
    }
    return this;
  }

  TestingCluster labelNamespace(String namespace, Map<String, String> labels) {
    namespaceLabels.put(namespace, labels);
    return this;
  }

  @Override
  public Collection<Pod> pods(String namespace) {
    return pods.stream()
        .filter(p -> namespace == null || namespace.equals(p.getMetadata().getNamespace()))
        .toList();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    return namespaceLabels.getOrDefault(namespace, Map.of());
  }

  @Override
  public List<OwnerReference> ownersOf(String kind, String namespace, String name) {
    List<OwnerReference> refs = owners.get(key(kind, namespace, name));
    return refs == null ? List.of() : refs;
  }

  /** Tests drive handlers themselves: nothing changes behind their back. */
  @Override
  public void addPodHandler(ResourceEventHandler<Pod> handler) {}

  /** The Namespace handlers added, for tests to drive. */
  final List<ResourceEventHandler<Namespace>> namespaceHandlers = new ArrayList<>();

  @Override
  public void addNamespaceHandler(ResourceEventHandler<Namespace> handler) {
    namespaceHandlers.add(handler);
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
