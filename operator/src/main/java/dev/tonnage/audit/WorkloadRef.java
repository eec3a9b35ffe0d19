package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;

/**
 * The workload that owns audited Pods: the top of the ownerReference chain that the audit follows
 * (Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob, StatefulSet, DaemonSet,
 * ReplicationController), or the Pod itself when it has no owner.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind e.g. {@code Deployment}
 * @param namespace the namespace (workloads are namespaced)
 * @param name the object name
 * @param uid the object uid, or null when only a name is known
 */
public record WorkloadRef(
    String apiVersion, String kind, String namespace, String name, String uid) {

  /** The reference Events use as their involvedObject. */
  public ObjectReference toObjectReference() {
    return new ObjectReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid)
        .build();
  }

  /** {@code namespace/Kind/name}, for logs and keys. */
  @Override
  public String toString() {
    return namespace + "/" + kind + "/" + name;
  }
}
