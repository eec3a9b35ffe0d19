package dev.tonnage.admission;

import dev.tonnage.facts.FactsService;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides with the one {@link PolicyEvaluator} and facts from the one {@link FactsService}: asks
 * the evaluator which images need facts, has them measured with the Pod's credentials until the
 * review's deadline, and evaluates with what arrived (what did not is unavailable, and the
 * policies' onRegistryError decides). No thread waits for the facts.
 */
public final class PolicyAdmissionDecider implements AdmissionDecider {

  private final PolicySource policies;
  private final FactsService facts;
  private final RegistryCredentialsResolver credentials;
  private final ExceptionSource exceptions;

  public PolicyAdmissionDecider(
      PolicySource policies, FactsService facts, RegistryCredentialsResolver credentials) {
    this(policies, facts, credentials, ExceptionSource.NONE);
  }

  /** Decides with the trusted exceptions of {@code exceptions} waiving what they cover. */
  public PolicyAdmissionDecider(
      PolicySource policies,
      FactsService facts,
      RegistryCredentialsResolver credentials,
      ExceptionSource exceptions) {
    this.policies = policies;
    this.facts = facts;
    this.credentials = credentials;
    this.exceptions = exceptions;
  }

  @Override
  public CompletableFuture<ReviewDecision> decide(ReviewSubject subject) {
    List<CompiledPolicy> inForce = policies.policiesFor(subject.workload().namespace());
    if (inForce.isEmpty()) {
      return CompletableFuture.completedFuture(ReviewDecision.ALLOW);
    }
    WorkloadContext context = context(subject);
    List<InspectionNeed> needs = PolicyEvaluator.imagesToInspect(inForce, context);
    CompletableFuture<Map<ImageReference, FactsOutcome>> measured =
        needs.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : facts.facts(needs, credentials.forPod(subject.workload()), subject.deadline());
    return measured.thenApply(
        outcomes -> {
          Evaluation evaluation =
              PolicyEvaluator.evaluate(inForce, context, outcomes::get, exceptions.exceptions());
          return DecisionReport.of(evaluation, outcomes);
        });
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
