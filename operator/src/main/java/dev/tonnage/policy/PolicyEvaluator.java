package dev.tonnage.policy;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one evaluator: the admission webhook, the audit and {@code tonnage check} all decide with it,
 * so they cannot disagree. Pure: no I/O, no clock, no Kubernetes client; the facts come in.
 *
 * <p>Use it in two steps: {@link #imagesToInspect} says which images need facts (images no policy
 * covers need none), then {@link #evaluate} decides with the facts that could be had.
 */
public final class PolicyEvaluator {

  private PolicyEvaluator() {}

  /**
   * The images of {@code context} that at least one applicable policy covers, each once, with the
   * optional facts those policies need.
   */
  public static List<InspectionNeed> imagesToInspect(
      List<CompiledPolicy> policies, WorkloadContext context) {
    return imagesToInspect(policies, context, PreviousImages.NONE);
  }

  /**
   * As {@link #imagesToInspect(List, WorkloadContext)}, then the images {@code previous} says the
   * changed containers ran, for the policies with spec.limits.maxGrowth (compressed sizes only).
   * The new images come first, so a cap on the images of a request cuts the old ones.
   */
  public static List<InspectionNeed> imagesToInspect(
      List<CompiledPolicy> policies, WorkloadContext context, PreviousImages previous) {
    if (context.optedOut()) {
      return List.of();
    }
    Map<ImageReference, Boolean> uncompressed = new LinkedHashMap<>();
    Map<ImageReference, Set<ImageReference>> candidates = new LinkedHashMap<>();
    List<Target> targets = targets(context);
    for (CompiledPolicy policy : policies) {
      if (!policy.coversNamespaceOf(context) || policy.skipReason(context).isPresent()) {
        continue;
      }
      for (Target target : targets) {
        if (target.reference() != null && policy.matchesImage(target.normalized())) {
          uncompressed.merge(
              target.reference(), policy.needsUncompressedSize(), Boolean::logicalOr);
          candidates
              .computeIfAbsent(target.reference(), r -> new LinkedHashSet<>())
              .addAll(policy.baseImageCandidates());
        }
      }
    }
    List<InspectionNeed> needs = new ArrayList<>();
    uncompressed.forEach(
        (ref, needsUncompressed) ->
            needs.add(
                new InspectionNeed(ref, needsUncompressed, List.copyOf(candidates.get(ref)))));
    for (ImageReference old : replacedImages(policies, context, targets, previous)) {
      if (!uncompressed.containsKey(old)) {
        needs.add(new InspectionNeed(old, false, List.of()));
      }
    }
    return needs;
  }

  /** The parseable images that changed containers ran, covered by a policy with maxGrowth. */
  private static Set<ImageReference> replacedImages(
      List<CompiledPolicy> policies,
      WorkloadContext context,
      List<Target> targets,
      PreviousImages previous) {
    Set<ImageReference> old = new LinkedHashSet<>();
    for (CompiledPolicy policy : policies) {
      if (policy.maxGrowth() == null
          || !policy.coversNamespaceOf(context)
          || policy.skipReason(context).isPresent()) {
        continue;
      }
      for (Target target : targets) {
        String replaced = previous.replacedBy(target.container());
        if (replaced != null
            && target.reference() != null
            && policy.matchesImage(target.normalized())) {
          Target before = Target.of(new ContainerImage("", target.container().type(), replaced));
          if (before.reference() != null) {
            old.add(before.reference());
          }
        }
      }
    }
    return old;
  }

  /**
   * Decides on {@code context}: one verdict per policy that applies to it and covers at least one
   * of its images. {@code facts} answers for the references {@link #imagesToInspect} named; a null
   * answer counts as unavailable facts.
   */
  public static Evaluation evaluate(
      List<CompiledPolicy> policies,
      WorkloadContext context,
      Function<ImageReference, FactsOutcome> facts) {
    return evaluate(policies, context, facts, ExceptionMatcher.NONE);
  }

  /**
   * As {@link #evaluate(List, WorkloadContext, Function)}, with the violations {@code exceptions}
   * waive set apart as {@link Waiver}s: they neither deny nor warn as violations.
   */
  public static Evaluation evaluate(
      List<CompiledPolicy> policies,
      WorkloadContext context,
      Function<ImageReference, FactsOutcome> facts,
      ExceptionMatcher exceptions) {
    return evaluate(policies, context, facts, exceptions, PreviousImages.NONE);
  }

  /**
   * As {@link #evaluate(List, WorkloadContext, Function, ExceptionMatcher)}, judging
   * spec.limits.maxGrowth too: each changed container's new image against the image {@code
   * previous} says it ran, on the platforms both offer. Without the old image's facts growth is not
   * judged, and Enforce and Warn policies warn so.
   */
  public static Evaluation evaluate(
      List<CompiledPolicy> policies,
      WorkloadContext context,
      Function<ImageReference, FactsOutcome> facts,
      ExceptionMatcher exceptions,
      PreviousImages previous) {
    List<SkippedPolicy> skipped = new ArrayList<>();
    List<PolicyVerdict> verdicts = new ArrayList<>();
    if (context.optedOut()) {
      for (CompiledPolicy policy : policies) {
        skipped.add(
            new SkippedPolicy(
                policy.ref(),
                "namespace label " + WorkloadContext.IGNORE_LABEL + "=true opts it out"));
      }
      return new Evaluation(verdicts, skipped);
    }
    List<Target> targets = targets(context);
    for (CompiledPolicy policy : policies) {
      if (!policy.coversNamespaceOf(context)) {
        continue;
      }
      Optional<String> skip = policy.skipReason(context);
      if (skip.isPresent()) {
        skipped.add(new SkippedPolicy(policy.ref(), skip.get()));
        continue;
      }
      List<Target> covered =
          targets.stream().filter(t -> policy.matchesImage(t.normalized())).toList();
      if (covered.isEmpty()) {
        skipped.add(new SkippedPolicy(policy.ref(), "no image matches its spec.match.images"));
        continue;
      }
      verdicts.add(verdict(policy, context, covered, facts, exceptions, previous));
    }
    return new Evaluation(verdicts, skipped);
  }

  private static PolicyVerdict verdict(
      CompiledPolicy policy,
      WorkloadContext context,
      List<Target> covered,
      Function<ImageReference, FactsOutcome> facts,
      ExceptionMatcher exceptions,
      PreviousImages previous) {
    List<CheckedImage> checked = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    List<String> notJudged = new ArrayList<>();
    List<Waiver> waived = new ArrayList<>();
    List<UnavailableFacts> unavailable = new ArrayList<>();
    for (Target target : covered) {
      FactsOutcome outcome = target.outcome(facts);
      String container = target.container().name();
      String image = target.container().image();
      if (outcome instanceof FactsOutcome.Found found) {
        ImageFacts imageFacts = found.facts();
        List<PlatformFacts> platforms = platformsToCheck(policy, context, imageFacts);
        checked.add(
            new CheckedImage(
                container,
                image,
                imageFacts.digest(),
                platforms.stream().map(PlatformFacts::platform).toList()));
        List<Violation> broken = new ArrayList<>();
        for (PlatformFacts platform : platforms) {
          broken.addAll(PlatformCheck.run(policy, container, image, imageFacts.digest(), platform));
        }
        broken.addAll(growth(policy, target, imageFacts, platforms, previous, facts, notJudged));
        for (Violation v : broken) {
          Optional<CompiledException> waiver =
              exceptions.waiverFor(v, context, target.normalized());
          if (waiver.isPresent()) {
            waived.add(new Waiver(v, waiver.get()));
          } else {
            violations.add(v);
          }
        }
      } else if (outcome instanceof FactsOutcome.Unavailable missing) {
        unavailable.add(
            new UnavailableFacts(
                container,
                image,
                missing.reason(),
                missing.message(),
                missing.cause(),
                policy.onRegistryError()));
      }
    }
    return new PolicyVerdict(
        policy.ref(),
        policy.action(),
        policy.onRegistryError(),
        policy.annotate(),
        checked,
        violations,
        unavailable,
        warnings(policy, violations, unavailable, waived, notJudged),
        waived);
  }

  /**
   * The growth violations of the image of {@code target} over the one its container ran, on the
   * platforms to check that both offer; a line in {@code notJudged} when the old image's facts are
   * missing.
   */
  private static List<Violation> growth(
      CompiledPolicy policy,
      Target target,
      ImageFacts imageFacts,
      List<PlatformFacts> platforms,
      PreviousImages previous,
      Function<ImageReference, FactsOutcome> facts,
      List<String> notJudged) {
    String replaced = previous.replacedBy(target.container());
    if (policy.maxGrowth() == null || replaced == null) {
      return List.of();
    }
    Target before = Target.of(new ContainerImage("", target.container().type(), replaced));
    FactsOutcome outcome = before.outcome(facts);
    if (outcome instanceof FactsOutcome.Unavailable missing) {
      notJudged.add(
          Warnings.line(
              policy.ref().name(),
              target.container().image(),
              null,
              "growth not judged, the replaced image's facts are unavailable ("
                  + missing.reason()
                  + ")"));
      return List.of();
    }
    ImageFacts old = ((FactsOutcome.Found) outcome).facts();
    List<Violation> violations = new ArrayList<>();
    for (PlatformFacts platform : platforms) {
      old.platform(platform.platform())
          .flatMap(
              o ->
                  GrowthCheck.run(
                      policy,
                      target.container().name(),
                      target.container().image(),
                      imageFacts.digest(),
                      replaced,
                      PlatformDiff.of(o, platform)))
          .ifPresent(violations::add);
    }
    return violations;
  }

  /**
   * The platforms to check: the policy's explicit list, else those the Pod can be scheduled on,
   * else every platform of the image; attestation entries ({@code unknown/unknown}) never.
   */
  static List<PlatformFacts> platformsToCheck(
      CompiledPolicy policy, WorkloadContext context, ImageFacts facts) {
    List<PlatformFacts> all =
        facts.platforms().stream().filter(p -> !p.platform().isUnknown()).toList();
    if (!policy.platforms().isEmpty()) {
      return all.stream()
          .filter(p -> policy.platforms().stream().anyMatch(want -> covers(want, p.platform())))
          .toList();
    }
    return all.stream().filter(p -> context.platforms().admits(p.platform())).toList();
  }

  /** {@code linux/arm} covers every variant of it; {@code linux/arm/v7} only that one. */
  private static boolean covers(Platform wanted, Platform offered) {
    return wanted.os().equals(offered.os())
        && wanted.architecture().equals(offered.architecture())
        && (wanted.variant() == null || wanted.variant().equals(offered.variant()));
  }

  /**
   * Admission warnings: Warn policies warn about every violation, Enforce policies about uncertain
   * ones (certain ones deny), both about waived ones (naming the exception) and about facts they
   * admit without; Audit policies never warn.
   */
  private static List<String> warnings(
      CompiledPolicy policy,
      List<Violation> violations,
      List<UnavailableFacts> unavailable,
      List<Waiver> waived,
      List<String> notJudged) {
    if (policy.action() == PolicyAction.AUDIT) {
      return List.of();
    }
    Set<String> warnings = new LinkedHashSet<>(notJudged);
    for (Waiver w : waived) {
      warnings.add(w.warning());
    }
    for (Violation v : violations) {
      if (policy.action() == PolicyAction.WARN || v.uncertain()) {
        warnings.add(v.summary());
      }
    }
    boolean admitsWithout =
        policy.action() == PolicyAction.WARN
            || policy.onRegistryError() == RegistryErrorAction.ALLOW;
    if (admitsWithout) {
      for (UnavailableFacts u : unavailable) {
        warnings.add(
            Warnings.line(
                policy.ref().name(),
                u.image(),
                null,
                "not checked, "
                    + (u.cause().equals(u.reason()) ? "facts unavailable" : u.cause())
                    + " ("
                    + u.reason()
                    + ")"));
      }
    }
    return List.copyOf(warnings);
  }

  private static List<Target> targets(WorkloadContext context) {
    return context.containers().stream().map(Target::of).toList();
  }

  /** A container with its image parsed once; an unparseable image matches only as written. */
  private record Target(
      ContainerImage container, ImageReference reference, String normalized, String error) {

    static Target of(ContainerImage container) {
      try {
        ImageReference ref = ImageReference.parse(container.image());
        return new Target(container, ref, ref.toString(), null);
      } catch (InvalidReferenceException e) {
        return new Target(container, null, container.image(), e.getMessage());
      }
    }

    FactsOutcome outcome(Function<ImageReference, FactsOutcome> facts) {
      if (reference == null) {
        return new FactsOutcome.Unavailable("InvalidReference", error, "invalid reference");
      }
      FactsOutcome outcome = facts.apply(reference);
      return outcome != null
          ? outcome
          : new FactsOutcome.Unavailable(
              "NotInspected", "no facts were fetched for " + reference, "not measured");
    }
  }
}
