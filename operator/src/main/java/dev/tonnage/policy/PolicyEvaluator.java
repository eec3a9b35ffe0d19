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
    return needs;
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
      verdicts.add(verdict(policy, context, covered, facts, exceptions));
    }
    return new Evaluation(verdicts, skipped);
  }

  private static PolicyVerdict verdict(
      CompiledPolicy policy,
      WorkloadContext context,
      List<Target> covered,
      Function<ImageReference, FactsOutcome> facts,
      ExceptionMatcher exceptions) {
    List<CheckedImage> checked = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
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
        for (PlatformFacts platform : platforms) {
          for (Violation v :
              PlatformCheck.run(policy, container, image, imageFacts.digest(), platform)) {
            Optional<CompiledException> waiver =
                exceptions.waiverFor(v, context, target.normalized());
            if (waiver.isPresent()) {
              waived.add(new Waiver(v, waiver.get()));
            } else {
              violations.add(v);
            }
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
        warnings(policy, violations, unavailable, waived),
        waived);
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
      List<Waiver> waived) {
    if (policy.action() == PolicyAction.AUDIT) {
      return List.of();
    }
    Set<String> warnings = new LinkedHashSet<>();
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
