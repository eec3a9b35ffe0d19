package dev.tonnage.admission;

import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageInspector;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides with the one {@link PolicyEvaluator} and facts from the registry engine: asks the
 * evaluator which images need facts, inspects them in parallel with the Pod's credentials until the
 * review's deadline, and evaluates with what arrived (what did not is unavailable, and the
 * policies' onRegistryError decides). Fetches still running at the deadline are left to finish and
 * warm the cache.
 */
public final class PolicyAdmissionDecider implements AdmissionDecider {

  private final PolicySource policies;
  private final ImageInspector inspector;
  private final RegistryCredentialsResolver credentials;
  private final Clock clock;

  public PolicyAdmissionDecider(
      PolicySource policies,
      ImageInspector inspector,
      RegistryCredentialsResolver credentials,
      Clock clock) {
    this.policies = policies;
    this.inspector = inspector;
    this.credentials = credentials;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<ReviewDecision> decide(ReviewSubject subject) {
    List<CompiledPolicy> inForce = policies.policiesFor(subject.workload().namespace());
    if (inForce.isEmpty()) {
      return CompletableFuture.completedFuture(ReviewDecision.ALLOW);
    }
    WorkloadContext context = context(subject);
    List<InspectionNeed> needs = PolicyEvaluator.imagesToInspect(inForce, context);
    Map<ImageReference, CompletableFuture<ImageFacts>> fetches = new LinkedHashMap<>();
    if (!needs.isEmpty()) {
      RegistryCredentials podCredentials = credentials.forPod(subject.workload());
      for (InspectionNeed need : needs) {
        fetches.put(
            need.reference(),
            inspector.inspect(
                need.reference(),
                new InspectRequest(
                    podCredentials,
                    subject.deadline(),
                    need.uncompressedSize(),
                    need.baseImageCandidates())));
      }
    }
    long remaining = Math.max(0, Duration.between(clock.instant(), subject.deadline()).toMillis());
    return CompletableFuture.allOf(fetches.values().toArray(new CompletableFuture<?>[0]))
        .handle((done, error) -> (Void) null)
        .completeOnTimeout(null, remaining, TimeUnit.MILLISECONDS)
        .thenApply(
            ignored -> {
              Map<ImageReference, FactsOutcome> outcomes = outcomes(fetches);
              Evaluation evaluation = PolicyEvaluator.evaluate(inForce, context, outcomes::get);
              return DecisionReport.of(evaluation, outcomes);
            });
  }

  private static Map<ImageReference, FactsOutcome> outcomes(
      Map<ImageReference, CompletableFuture<ImageFacts>> fetches) {
    Map<ImageReference, FactsOutcome> outcomes = new LinkedHashMap<>();
    fetches.forEach(
        (ref, fetch) -> {
          if (!fetch.isDone()) {
            outcomes.put(
                ref,
                new FactsOutcome.Unavailable(
                    "Timeout", "no answer from " + ref.registry() + " within the review budget"));
          } else if (fetch.isCompletedExceptionally()) {
            outcomes.put(ref, fetch.handle((f, e) -> FactsOutcome.failed(e)).join());
          } else {
            outcomes.put(ref, FactsOutcome.found(fetch.join()));
          }
        });
    return outcomes;
  }

  private static WorkloadContext context(ReviewSubject subject) {
    Workload workload = subject.workload();
    return new WorkloadContext(
        workload.kind().kind(),
        workload.namespace(),
        subject.namespaceLabels(),
        workload.name(),
        workload.labels(),
        workload.containers(),
        workload.template().platforms());
  }
}
