package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;

/** Audits what runs in every namespace a {@link ClusterImagePolicy} selects. */
public final class ClusterImagePolicyReconciler extends PolicyReconciler<ClusterImagePolicy> {

  public ClusterImagePolicyReconciler(AuditRuntime runtime) {
    super(runtime);
  }

  @Override
  protected CompiledPolicy compile(ClusterImagePolicy policy) {
    return CompiledPolicy.compile(policy);
  }

  @Override
  protected String auditedNamespace(ClusterImagePolicy policy) {
    return null;
  }

  @Override
  protected PolicyRef refOf(ClusterImagePolicy policy) {
    return PolicyRef.cluster(policy.getMetadata().getName());
  }

  @Override
  protected ClusterImagePolicy newResource() {
    return new ClusterImagePolicy();
  }
}
