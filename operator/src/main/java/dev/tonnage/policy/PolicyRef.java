package dev.tonnage.policy;

import java.util.Objects;

/**
 * Names one policy resource.
 *
 * @param kind the kind
 * @param namespace the namespace of an ImagePolicy; null for a ClusterImagePolicy (and for an
 *     ImagePolicy read from a file without one)
 * @param name metadata.name
 */
public record PolicyRef(PolicyKind kind, String namespace, String name) {

  public PolicyRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static PolicyRef cluster(String name) {
    return new PolicyRef(PolicyKind.CLUSTER_IMAGE_POLICY, null, name);
  }

  public static PolicyRef namespaced(String namespace, String name) {
    return new PolicyRef(PolicyKind.IMAGE_POLICY, namespace, name);
  }

  /** {@code ClusterImagePolicy slim} or {@code ImagePolicy team-a/small}. */
  @Override
  public String toString() {
    return kind.kind() + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
