package dev.tonnage.audit;

/**
 * Names one policy: {@code ClusterImagePolicy/name} or {@code ImagePolicy/namespace/name}. Used as
 * the metric label, in logs and as the key of per-policy state.
 *
 * @param kind {@code ClusterImagePolicy} or {@code ImagePolicy}
 * @param namespace the namespace of an ImagePolicy; null for a ClusterImagePolicy
 * @param name the policy name
 */
public record PolicyKey(String kind, String namespace, String name) {

  public static PolicyKey cluster(String name) {
    return new PolicyKey("ClusterImagePolicy", null, name);
  }

  public static PolicyKey namespaced(String namespace, String name) {
    return new PolicyKey("ImagePolicy", namespace, name);
  }

  /**
   * The metric label value: {@code name} for a cluster policy, {@code namespace/name} otherwise.
   */
  public String label() {
    return namespace == null ? name : namespace + "/" + name;
  }

  @Override
  public String toString() {
    return namespace == null ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }
}
