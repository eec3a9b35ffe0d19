package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import java.util.Optional;

/** The two kinds of policy resource. */
public enum PolicyKind {
  CLUSTER_IMAGE_POLICY(ClusterImagePolicy.KIND),
  IMAGE_POLICY(ImagePolicy.KIND);

  private final String kind;

  PolicyKind(String kind) {
    this.kind = kind;
  }

  /** The constant whose Kubernetes kind is {@code kind}; empty for any other text. */
  public static Optional<PolicyKind> fromKind(String kind) {
    for (PolicyKind k : values()) {
      if (k.kind.equals(kind)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The Kubernetes kind, e.g. {@code ClusterImagePolicy}. */
  public String kind() {
    return kind;
  }
}
