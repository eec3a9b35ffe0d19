package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;

/** Audits what runs in an {@link ImagePolicy}'s own namespace. */
public final class ImagePolicyReconciler extends PolicyReconciler<ImagePolicy> {

  public ImagePolicyReconciler(AuditRuntime runtime) {
    super(runtime);
  }

  @Override
  protected CompiledPolicy compile(ImagePolicy policy) {
    return CompiledPolicy.compile(policy);
  }

  @Override
  protected String auditedNamespace(ImagePolicy policy) {
    return policy.getMetadata().getNamespace();
  }

  @Override
  protected PolicyRef refOf(ImagePolicy policy) {
    return PolicyRef.namespaced(
        policy.getMetadata().getNamespace(), policy.getMetadata().getName());
  }

  @Override
  protected ImagePolicy newResource() {
    return new ImagePolicy();
  }
}
