package dev.tonnage.audit;

import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.PlatformConstraints;
import dev.tonnage.policy.WorkloadContext;
import java.util.List;
import java.util.Map;

/**
 * The running Pods of one workload, reduced to what the evaluator needs: one entry per distinct
 * (container, image) across its Pods, so a Deployment mid-rollout reports both images.
 *
 * @param ref the owning workload
 * @param labels the labels of the workload's first Pod (the object the objectSelector sees)
 * @param platforms where the first Pod may be scheduled (its nodeSelector and required affinity)
 * @param containers the distinct containers and images, init containers first
 * @param podCount how many running Pods were grouped into this workload
 */
public record AuditedWorkload(
    WorkloadRef ref,
    Map<String, String> labels,
    PlatformConstraints platforms,
    List<ContainerImage> containers,
    int podCount) {

  public AuditedWorkload {
    labels = Map.copyOf(labels);
    containers = List.copyOf(containers);
  }

  /** The evaluator's view of this workload in a namespace with {@code namespaceLabels}. */
  public WorkloadContext context(Map<String, String> namespaceLabels) {
    return new WorkloadContext(
        ref.kind(), ref.namespace(), namespaceLabels, ref.name(), labels, containers, platforms);
  }
}
