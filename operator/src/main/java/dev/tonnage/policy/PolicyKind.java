package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;

/** The two kinds of policy resource. */
public enum PolicyKind {
  CLUSTER_IMAGE_POLICY(ClusterImagePolicy.KIND),
  IMAGE_POLICY(ImagePolicy.KIND);

  private final String kind;

  PolicyKind(String kind) {
    this.kind = kind;
  }

  /** The Kubernetes kind, e.g. {@code ClusterImagePolicy}. */
  public String kind() {
    return kind;
  }
}
