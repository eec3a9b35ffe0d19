package dev.tonnage.audit;

/** The policy reconciler bound to {@link TestingPolicy}. */
final class TestingPolicyReconciler extends PolicyReconciler<TestingPolicy> {

  TestingPolicyReconciler(AuditRuntime runtime) {
    super(new TestingPolicyKind(), runtime);
  }
}
