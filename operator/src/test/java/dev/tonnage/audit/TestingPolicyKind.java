package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** {@link PolicyKind} of {@link TestingPolicy}, over {@link FakePolicy}. */
final class TestingPolicyKind implements PolicyKind<TestingPolicy> {

  @Override
  public PolicyKey keyOf(TestingPolicy policy) {
    return PolicyKey.cluster(policy.getMetadata().getName());
  }

  @Override
  public String auditedNamespace(TestingPolicy policy) {
    return null;
  }

  @Override
  public AuditPolicy compile(TestingPolicy policy) throws InvalidPolicyException {
    if (policy.getSpec().badGlob != null) {
      throw new InvalidPolicyException(
          "spec.match.images[0]", "\"" + policy.getSpec().badGlob + "\" has an unclosed '['");
    }
    return new FakePolicy(keyOf(policy), policy.getSpec().maxCompressedBytes, ns -> true);
  }

  @Override
  public AuditStatus statusOf(TestingPolicy policy) {
    TestingPolicy.Status s = policy.getStatus();
    if (s == null) {
      return AuditStatus.EMPTY;
    }
    return new AuditStatus(
        s.observedGeneration,
        s.conditions == null ? List.of() : s.conditions,
        s.lastAuditTime,
        s.summary,
        List.of());
  }

  @Override
  public TestingPolicy statusPatch(TestingPolicy policy, AuditStatus status) {
    TestingPolicy fresh = new TestingPolicy();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(policy.getMetadata().getName())
            .withNamespace(policy.getMetadata().getNamespace())
            .build());
    TestingPolicy.Status s = new TestingPolicy.Status();
    s.observedGeneration = status.observedGeneration();
    s.conditions = status.conditions();
    s.lastAuditTime = status.lastAuditTime();
    s.summary = status.summary();
    s.violations =
        status.violations().stream()
            .map(v -> v.workload() + " " + v.container() + " " + v.image())
            .toList();
    fresh.setStatus(s);
    return fresh;
  }
}
