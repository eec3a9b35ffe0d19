package dev.tonnage.admission;

import dev.tonnage.policy.ContainerImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What admission never blocks, decided before any policy or registry is consulted: the system and
 * operator namespaces (so a broken Tonnage can always be repaired), namespaces labelled {@code
 * tonnage.dev/ignore: "true"} (namespace labels are an admin's right), mirror Pods (the kubelet
 * creates them for static Pods and cannot be refused), and updates that do not change any image.
 * Objects cannot opt out: their authors could exempt themselves; exemptions are
 * ImagePolicyExceptions granted by the platform team.
 */
public final class AdmissionExemptions {

  public static final String IGNORE_LABEL = "tonnage.dev/ignore";
  public static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

  private final Set<String> exemptNamespaces;
  private final NamespaceLabels namespaceLabels;

  public AdmissionExemptions(Set<String> exemptNamespaces, NamespaceLabels namespaceLabels) {
    this.exemptNamespaces = Set.copyOf(exemptNamespaces);
    this.namespaceLabels = namespaceLabels;
  }

  public Set<String> exemptNamespaces() {
    return exemptNamespaces;
  }

  /**
   * Why {@code request} needs no check, or empty when it does.
   *
   * @param workload the object being admitted
   * @param old the stored object, for UPDATE; null otherwise
   */
  public Optional<String> reason(AdmissionRequest request, Workload workload, Workload old) {
    if (request.operation() != AdmissionRequest.Operation.CREATE
        && request.operation() != AdmissionRequest.Operation.UPDATE) {
      return Optional.of(request.operation() + " is not checked");
    }
    if (exemptNamespaces.contains(workload.namespace())) {
      return Optional.of("namespace " + workload.namespace() + " is exempt");
    }
    if (isIgnored(namespaceLabels.labelsOf(workload.namespace()))) {
      return Optional.of("namespace " + workload.namespace() + " is labelled " + IGNORE_LABEL);
    }
    if (workload.kind() == WorkloadKind.POD
        && workload.annotations().containsKey(MIRROR_POD_ANNOTATION)) {
      return Optional.of("mirror pod");
    }
    if (workload.containers().isEmpty()) {
      return Optional.of("no container image");
    }
    if (request.operation() == AdmissionRequest.Operation.UPDATE
        && old != null
        && imageCounts(workload.containers()).equals(imageCounts(old.containers()))) {
      return Optional.of("no image changed");
    }
    return Optional.empty();
  }

  private static boolean isIgnored(Map<String, String> labels) {
    return "true".equals(labels.get(IGNORE_LABEL));
  }

  private static Map<String, Integer> imageCounts(List<ContainerImage> containers) {
    Map<String, Integer> counts = new HashMap<>();
    for (ContainerImage container : containers) {
      counts.merge(
          container.type() + "/" + container.name() + "=" + container.image(), 1, Integer::sum);
    }
    return counts;
  }
}
