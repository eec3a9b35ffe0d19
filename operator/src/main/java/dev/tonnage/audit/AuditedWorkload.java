package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;

/**
 * The running Pods of one workload, reduced to what the evaluator needs: one entry per distinct
 * (container, image) across its Pods, so a Deployment mid-rollout reports both images.
 *
 * @param ref the owning workload
 * @param labels the labels of the workload's first Pod (the object the objectSelector sees)
 * @param podSpec the spec of the workload's first Pod: its nodeSelector and affinity decide the
 *     platforms to check
 * @param containers the distinct containers and images, in Pod spec order
 * @param podCount how many running Pods were grouped into this workload
 */
public record AuditedWorkload(
    WorkloadRef ref,
    Map<String, String> labels,
    PodSpec podSpec,
    List<ContainerImage> containers,
    int podCount) {

  public AuditedWorkload {
    labels = Map.copyOf(labels);
    containers = List.copyOf(containers);
  }
}
