package dev.tonnage.admission;

import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.PlatformConstraints;
import java.util.List;
import java.util.Map;

/**
 * What admission needs from a pod spec (a Pod's own, or a workload's template), read with the same
 * code the audit reads running Pods with, so that both see the same containers and platforms.
 *
 * @param labels the pod's labels (the template's labels for a workload)
 * @param containers init, regular and ephemeral containers with their images
 * @param platforms where the Pod can be scheduled (nodeSelector and required node affinity)
 * @param serviceAccountName the service account whose pull secrets apply ("default" when unset)
 * @param imagePullSecrets names of the pod's own pull secrets
 */
public record PodTemplate(
    Map<String, String> labels,
    List<ContainerImage> containers,
    PlatformConstraints platforms,
    String serviceAccountName,
    List<String> imagePullSecrets) {

  public PodTemplate {
    labels = Map.copyOf(labels);
    containers = List.copyOf(containers);
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }
}
