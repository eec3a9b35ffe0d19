package dev.tonnage.admission;

import java.util.List;
import java.util.Map;

/**
 * What admission needs from a pod spec (a Pod's own, or a workload's template).
 *
 * @param labels the pod's labels (the template's labels for a workload)
 * @param containers containers, init containers and ephemeral containers, in spec order
 * @param scheduling the constraints on node architecture and OS
 * @param serviceAccountName the service account whose pull secrets apply ("default" when unset)
 * @param imagePullSecrets names of the pod's own pull secrets
 */
public record PodTemplate(
    Map<String, String> labels,
    List<ContainerImage> containers,
    PodScheduling scheduling,
    String serviceAccountName,
    List<String> imagePullSecrets) {

  public PodTemplate {
    labels = Map.copyOf(labels);
    containers = List.copyOf(containers);
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }
}
