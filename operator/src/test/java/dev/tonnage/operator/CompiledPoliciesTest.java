package dev.tonnage.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompiledPoliciesTest {

  private static final PolicyRef SLIM = PolicyRef.cluster("slim");

  private final CompiledPolicies policies = new CompiledPolicies();

  @Test
  void anEditThatDoesNotCompileKeepsTheLastGoodGenerationInForce() {
    policies.update("slim", 1, () -> compile("500Mi"));

    CompiledPolicies.Outcome outcome = policies.update("slim", 2, () -> compile("lots"));

    assertThat(outcome).isInstanceOf(CompiledPolicies.Outcome.KeptPrevious.class);
    CompiledPolicies.Outcome.KeptPrevious kept = (CompiledPolicies.Outcome.KeptPrevious) outcome;
    assertThat(kept.inForceGeneration()).isEqualTo(1);
    assertThat(kept.error().problems()).anySatisfy(p -> assertThat(p).startsWith("spec.limits"));
    assertThat(policies.inForce()).hasSize(1);
    assertThat(policies.inForce().get(0).ref()).isEqualTo(SLIM);
  }

  @Test
  void aSecondBadEditStillKeepsTheFirstGoodGeneration() {
    policies.update("slim", 1, () -> compile("500Mi"));
    policies.update("slim", 2, () -> compile("lots"));

    CompiledPolicies.Outcome outcome = policies.update("slim", 3, () -> compile("heaps"));

    assertThat(((CompiledPolicies.Outcome.KeptPrevious) outcome).inForceGeneration()).isEqualTo(1);
    assertThat(policies.inForce()).hasSize(1);
  }

  @Test
  void aFixedSpecReplacesTheKeptVersion() {
    CompiledPolicy first = compile("500Mi");
    policies.update("slim", 1, () -> first);
    policies.update("slim", 2, () -> compile("lots"));

    CompiledPolicies.Outcome outcome = policies.update("slim", 3, () -> compile("100Mi"));

    assertThat(outcome).isInstanceOf(CompiledPolicies.Outcome.Compiled.class);
    assertThat(policies.inForce()).hasSize(1).doesNotContain(first);
  }

  @Test
  void aPolicyThatNeverCompiledIsNotInForce() {
    CompiledPolicies.Outcome outcome = policies.update("slim", 1, () -> compile("lots"));

    assertThat(outcome).isInstanceOf(CompiledPolicies.Outcome.NotInForce.class);
    assertThat(policies.inForce()).isEmpty();
    assertThat(policies.update("slim", 2, () -> compile("more")))
        .isInstanceOf(CompiledPolicies.Outcome.NotInForce.class);
  }

  @Test
  void deletionRemovesAKeptPolicyToo() {
    policies.update("slim", 1, () -> compile("500Mi"));
    policies.update("slim", 2, () -> compile("lots"));

    policies.remove("slim");

    assertThat(policies.inForce()).isEmpty();
  }

  @Test
  void theSameGenerationIsCompiledOnceSoStatusUpdatesCostNothing() {
    AtomicInteger compilations = new AtomicInteger();
    policies.update(
        "slim",
        4,
        () -> {
          compilations.incrementAndGet();
          return compile("500Mi");
        });

    CompiledPolicies.Outcome again =
        policies.update(
            "slim",
            4,
            () -> {
              compilations.incrementAndGet();
              return compile("500Mi");
            });

    assertThat(again).isInstanceOf(CompiledPolicies.Outcome.Unchanged.class);
    assertThat(compilations).hasValue(1);
    assertThat(policies.inForce()).hasSize(1);
  }

  @Test
  void aLateEventOfAnOlderGenerationDoesNotReplaceANewerOne() {
    policies.update("slim", 3, () -> compile("100Mi"));

    assertThat(policies.update("slim", 2, () -> compile("lots")))
        .isInstanceOf(CompiledPolicies.Outcome.Unchanged.class);
    assertThat(policies.inForce()).hasSize(1);
  }

  private static CompiledPolicy compile(String maxCompressedSize) {
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.setAction(PolicyAction.ENFORCE);
    SizeLimits limits = new SizeLimits();
    limits.setMaxCompressedSize(maxCompressedSize);
    spec.setLimits(limits);
    return CompiledPolicy.compile(SLIM, spec);
  }
}
