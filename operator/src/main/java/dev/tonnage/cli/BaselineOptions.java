package dev.tonnage.cli;

import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.GrowthLimit;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.PreviousImages;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --baseline} and {@code --max-growth} of {@code tonnage check}: the image every checked
 * image replaces, as the stored object's image is on an UPDATE, and the Enforce policy the flag
 * stands for, so growth is judged by the one evaluator as the webhook judges it.
 */
final class BaselineOptions {

  private final String written;
  private final ImageReference baseline;
  private final CompiledPolicy growthPolicy;

  private BaselineOptions(String written, ImageReference baseline, CompiledPolicy growthPolicy) {
    this.written = written;
    this.baseline = baseline;
    this.growthPolicy = growthPolicy;
  }

  /** The options as given; what is wrong with them goes to {@code problems}. */
  static BaselineOptions of(
      String baseline, String maxGrowth, String policyName, List<String> problems) {
    ImageReference ref = null;
    if (baseline != null) {
      try {
        ref = ImageReference.parse(baseline);
      } catch (InvalidReferenceException e) {
        problems.add("--baseline: " + e.getMessage());
      }
    } else if (maxGrowth != null) {
      problems.add("--max-growth needs --baseline REF, the image to measure the growth from");
    }
    CompiledPolicy policy = null;
    if (maxGrowth != null) {
      try {
        GrowthLimit.parse(maxGrowth);
        policy = CompiledPolicy.compile(PolicyRef.cluster(policyName), growthSpec(maxGrowth));
      } catch (IllegalArgumentException e) {
        problems.add("--max-growth: " + e.getMessage());
      }
    }
    return new BaselineOptions(baseline, ref, policy);
  }

  private static ImagePolicySpec growthSpec(String maxGrowth) {
    SizeLimits limits = new SizeLimits();
    limits.setMaxGrowth(maxGrowth);
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.setAction(PolicyAction.ENFORCE);
    spec.setLimits(limits);
    return spec;
  }

  /** {@code policies} and the policy of {@code --max-growth}, when given. */
  List<CompiledPolicy> addTo(List<CompiledPolicy> policies) {
    if (growthPolicy == null) {
      return policies;
    }
    List<CompiledPolicy> all = new ArrayList<>(policies);
    all.add(growthPolicy);
    return all;
  }

  /** What a checked image replaces: the baseline, or nothing without one. */
  PreviousImages previous() {
    return baseline == null
        ? PreviousImages.NONE
        : PreviousImages.of(
            List.of(new ContainerImage("", ContainerImage.Type.CONTAINER, written)));
  }

  /** The baseline's facts when {@code ref} is the baseline, else null. */
  FactsOutcome factsOf(ImageReference ref, Map<ImageReference, FactsOutcome> outcomes) {
    return ref.equals(baseline) ? outcomes.get(ref) : null;
  }

  /**
   * Whether the baseline was measured for a growth limit and its facts could not be had; says why
   * on {@code err}. Asked for by name, a baseline that cannot be read is an error, not a pass.
   */
  boolean unavailable(Map<ImageReference, FactsOutcome> outcomes, PrintWriter err) {
    if (baseline != null && outcomes.get(baseline) instanceof FactsOutcome.Unavailable missing) {
      err.println("tonnage check: --baseline " + written + ": " + missing.message());
      err.flush();
      return true;
    }
    return false;
  }
}
