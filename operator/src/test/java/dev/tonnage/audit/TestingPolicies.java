package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.PolicyMatch;
import dev.tonnage.api.v1alpha1.SizeLimits;
import java.util.List;

/** Policies as users write them: a compressed-size limit, action Audit. */
final class TestingPolicies {

  private TestingPolicies() {}

  static ClusterImagePolicy cluster(String name, String maxCompressedSize) {
    ClusterImagePolicy policy = new ClusterImagePolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setGeneration(1L);
    policy.setSpec(spec(maxCompressedSize));
    return policy;
  }

  static ImagePolicy namespaced(String namespace, String name, String maxCompressedSize) {
    ImagePolicy policy = new ImagePolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    policy.getMetadata().setGeneration(1L);
    policy.setSpec(spec(maxCompressedSize));
    return policy;
  }

  /** The same policy with a malformed image glob, which the CRD schema cannot catch. */
  static ClusterImagePolicy withBadGlob(ClusterImagePolicy policy, String glob) {
    PolicyMatch match = new PolicyMatch();
    match.setImages(List.of(glob));
    policy.getSpec().setMatch(match);
    return policy;
  }

  static ImagePolicySpec spec(String maxCompressedSize) {
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.setAction(PolicyAction.AUDIT);
    SizeLimits limits = new SizeLimits();
    limits.setMaxCompressedSize(maxCompressedSize);
    spec.setLimits(limits);
    return spec;
  }
}
