package dev.tonnage.admission;

import dev.tonnage.policy.ContainerImage;
import java.util.List;
import java.util.Map;

/**
 * An admitted object read for admission: a Pod, or a workload with a pod template.
 *
 * @param kind the kind
 * @param namespace the namespace
 * @param name the name, or the generateName prefix when the name is not yet set
 * @param labels the object's own labels
 * @param annotations the object's own annotations
 * @param template the pod spec facts (the Pod's own spec for a Pod)
 */
public record Workload(
    WorkloadKind kind,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    PodTemplate template) {

  public Workload {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public List<ContainerImage> containers() {
    return template.containers();
  }
}
