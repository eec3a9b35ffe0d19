package dev.tonnage.audit;

import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.PlatformConstraints;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Groups Pods by the workload that owns them, following ownerReferences through the intermediate
 * owners Kubernetes controllers create: ReplicaSet -> Deployment and Job -> CronJob. Pods that have
 * finished (Succeeded, Failed) no longer run anything and are left out.
 */
public final class WorkloadGrouper {

  private final OwnerLookup owners;

  public WorkloadGrouper(OwnerLookup owners) {
    this.owners = owners;
  }

  /** The workloads of {@code pods}, in first-seen order. */
  public List<AuditedWorkload> group(Collection<Pod> pods) {
    Map<WorkloadRef, Accumulator> byOwner = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (isFinished(pod) || pod.getSpec() == null) {
        continue;
      }
      byOwner.computeIfAbsent(ownerOf(pod), ref -> new Accumulator(ref, pod)).add(pod.getSpec());
    }
    List<AuditedWorkload> workloads = new ArrayList<>(byOwner.size());
    for (Accumulator acc : byOwner.values()) {
      workloads.add(acc.toWorkload());
    }
    return workloads;
  }

  /** The top-level owner of {@code pod}: the workload whose Events and status rows name it. */
  public WorkloadRef ownerOf(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Optional<OwnerReference> direct = controllerOf(pod.getMetadata().getOwnerReferences());
    if (direct.isEmpty()) {
      return new WorkloadRef(
          "v1", "Pod", namespace, pod.getMetadata().getName(), pod.getMetadata().getUid());
    }
    OwnerReference owner = direct.get();
    String parentKind = parentKindOf(owner.getKind());
    if (parentKind != null) {
      Optional<OwnerReference> parent =
          controllerOf(owners.ownersOf(owner.getKind(), namespace, owner.getName()))
              .filter(ref -> parentKind.equals(ref.getKind()));
      if (parent.isPresent()) {
        owner = parent.get();
      }
    }
    return new WorkloadRef(
        owner.getApiVersion(), owner.getKind(), namespace, owner.getName(), owner.getUid());
  }

  /** The kind that owns a {@code kind} when a controller made it, or null when it is the top. */
  private static String parentKindOf(String kind) {
    return switch (kind) {
      case "ReplicaSet" -> "Deployment";
      case "Job" -> "CronJob";
      default -> null;
    };
  }

  /** The controlling owner; else the first owner (objects created by hand may omit controller). */
  private static Optional<OwnerReference> controllerOf(List<OwnerReference> refs) {
    if (refs == null || refs.isEmpty()) {
      return Optional.empty();
    }
    return refs.stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .findFirst()
        .or(() -> Optional.of(refs.get(0)));
  }

  private static boolean isFinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static final class Accumulator {
    private final WorkloadRef ref;
    private final Pod first;
    private final Set<ContainerImage> containers = new LinkedHashSet<>();
    private int pods;

    Accumulator(WorkloadRef ref, Pod first) {
      this.ref = ref;
      this.first = first;
    }

    void add(PodSpec spec) {
      pods++;
      for (ContainerImage c : ContainerImage.of(spec)) {
        if (!c.image().isEmpty()) {
          containers.add(c);
        }
      }
    }

    AuditedWorkload toWorkload() {
      Map<String, String> labels = first.getMetadata().getLabels();
      return new AuditedWorkload(
          ref,
          labels == null ? Map.of() : labels,
          PlatformConstraints.of(first.getSpec()),
          new ArrayList<>(containers),
          pods);
    }
  }
}
