package dev.tonnage.admission;

import dev.tonnage.facts.BackgroundSettler;
import dev.tonnage.facts.FactsService;
import dev.tonnage.facts.UncertainLayers;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.PreviousImages;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.RegistryCredentials;
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
  private final BackgroundSettler settler;

  /** A decider that leaves uncertain verdicts uncertain. */
  public PolicyAdmissionDecider(
      PolicySource policies, FactsService facts, RegistryCredentialsResolver credentials) {
    this(policies, facts, credentials, ExceptionSource.NONE, BackgroundSettler.OFF);
  }

  /**
   * Decides with the trusted exceptions of {@code exceptions} waiving what they cover, and has
   * {@code settler} stream the layers behind uncertain verdicts after the review, so later reviews
   * are exact.
   */
  public PolicyAdmissionDecider(
      PolicySource policies,
      FactsService facts,
      RegistryCredentialsResolver credentials,
      ExceptionSource exceptions,
      BackgroundSettler settler) {
    this.policies = policies;
    this.facts = facts;
    this.credentials = credentials;
    this.exceptions = exceptions;
    this.settler = settler;
  }

  @Override
  public CompletableFuture<ReviewDecision> decide(ReviewSubject subject) {
    List<CompiledPolicy> inForce = policies.policiesFor(subject.workload().namespace());
    if (inForce.isEmpty()) {
      return CompletableFuture.completedFuture(ReviewDecision.ALLOW);
    }
    WorkloadContext context = context(subject);
    PreviousImages previous =
        subject.previous() == null
            ? PreviousImages.NONE
            : PreviousImages.of(subject.previous().containers());
    // The replaced images' facts come with the new ones: one request, one deadline, one cap.
    List<InspectionNeed> needs = PolicyEvaluator.imagesToInspect(inForce, context, previous);
    RegistryCredentials podCredentials =
        needs.isEmpty() ? null : credentials.forPod(subject.workload());
    CompletableFuture<Map<ImageReference, FactsOutcome>> measured =
        needs.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : facts.facts(needs, podCredentials, subject.deadline());
    return measured.thenApply(
        outcomes -> {
          Evaluation evaluation =
              PolicyEvaluator.evaluate(
                  inForce, context, outcomes::get, exceptions.exceptions(), previous);
          settler.settleLater(
              UncertainLayers.uncertainOf(evaluation.verdicts()), outcomes, podCredentials);
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
