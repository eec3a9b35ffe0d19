package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.SizeLimits;
import dev.tonnage.events.EventReason;
import dev.tonnage.events.EventWriter;
import dev.tonnage.events.WarningEvent;
import dev.tonnage.facts.UncertainLayers;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.ExceptionMatcher;
import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.policy.PolicyEvaluator;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import dev.tonnage.policy.WorkloadContext;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit of one policy, shared by both reconcilers: observe the Pods it covers (from informer
 * caches), measure each distinct image once, judge every workload with the one {@link
 * PolicyEvaluator} the webhook and the CLI use, then record Events and metrics. Building and
 * writing the status is the reconciler's part.
 */
public final class PolicyAuditor {

  private final ClusterView cluster;
  private final ImageMeasurer measurer;
  private final EventWriter events;
  private final AuditMetricsLedger metrics;
  private final AuditResults results;
  private final Clock clock;
  private final AuditExceptions exceptions;

  public PolicyAuditor(
      ClusterView cluster, ImageMeasurer measurer, AuditRecorders recorders, Clock clock) {
    this(cluster, measurer, recorders, clock, AuditExceptions.NONE);
  }

  /** An auditor whose verdicts waive what the trusted exceptions of {@code exceptions} cover. */
  public PolicyAuditor(
      ClusterView cluster,
      ImageMeasurer measurer,
      AuditRecorders recorders,
      Clock clock,
      AuditExceptions exceptions) {
    this.cluster = cluster;
    this.measurer = measurer;
    this.events = recorders.events();
    this.metrics = recorders.metrics();
    this.results = recorders.results();
    this.clock = clock;
    this.exceptions = exceptions;
  }

  /** The exceptions the audits apply; a new matcher means they changed or one expired. */
  public ExceptionSource exceptions() {
    return exceptions.source();
  }

  /**
   * Where an audit's side effects go: Events and metrics.
   *
   * @param events records the Events (the one writer admission uses too, which folds repeats)
   * @param metrics the metric series lifecycle
   * @param results receives each audit's per-workload findings (PolicyReports)
   */
  public record AuditRecorders(
      EventWriter events, AuditMetricsLedger metrics, AuditResults results) {

    /** Recorders whose findings go nowhere but the policy status. */
    public AuditRecorders(EventWriter events, AuditMetricsLedger metrics) {
      this(events, metrics, AuditResults.NONE);
    }
  }

  /**
   * Audits {@code policy} over the Pods of {@code namespace} (an ImagePolicy's own) or of every
   * namespace (null, for a ClusterImagePolicy). {@code limits} is the policy's spec.limits, to rank
   * violations by how far over they are.
   */
  public AuditOutcome audit(CompiledPolicy policy, SizeLimits limits, String namespace) {
    Instant start = clock.instant();
    List<CompiledPolicy> policies = List.of(policy);
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    List<Covered> covered = new ArrayList<>();
    List<InspectionNeed> needs = new ArrayList<>();
    for (AuditedWorkload workload : new WorkloadGrouper(cluster).group(cluster.pods(namespace))) {
      Map<String, String> labels =
          namespaceLabels.computeIfAbsent(workload.ref().namespace(), cluster::namespaceLabels);
      WorkloadContext context = workload.context(labels);
      List<InspectionNeed> needed = PolicyEvaluator.imagesToInspect(policies, context);
      if (!needed.isEmpty()) {
        covered.add(new Covered(workload.ref(), context, needed));
        needs.addAll(needed);
      }
    }

    Map<ImageReference, FactsOutcome> facts = new LinkedHashMap<>(measurer.measureAll(needs));
    ExceptionMatcher waivers = exceptions.source().exceptions();
    List<Judged> judged = judge(policies, covered, facts, waivers);
    // A limit inside the bounds a gzip trailer gives is uncertain until the layers are streamed.
    Set<ImageReference> settled = measurer.settle(uncertainPlatforms(judged), facts);
    if (!settled.isEmpty()) {
      facts.putAll(
          measurer.remeasure(needs.stream().filter(n -> settled.contains(n.reference())).toList()));
      judged = judge(policies, covered, facts, waivers);
    }

    List<AuditViolation> violations = new ArrayList<>();
    Set<String> unresolved = new TreeSet<>();
    Map<String, Integer> violationsByNamespace = new TreeMap<>();
    Map<String, Set<ImageReference>> imagesByNamespace = new HashMap<>();
    int excepted = 0;
    Map<String, Integer> exceptedByException = new TreeMap<>();
    for (Judged j : judged) {
      Covered c = j.covered();
      if (!j.waivedBy().isEmpty()) {
        excepted++;
        j.waivedBy().forEach(e -> exceptedByException.merge(e, 1, Integer::sum));
      }
      String ns = c.workload().namespace();
      Set<ImageReference> running = imagesByNamespace.computeIfAbsent(ns, k -> new HashSet<>());
      c.needs().forEach(n -> running.add(n.reference()));
      for (Violation v : j.violations()) {
        AuditViolation row = AuditViolation.of(c.workload(), v, limits, factsOf(facts, v));
        violations.add(row);
        violationsByNamespace.merge(ns, 1, Integer::sum);
        if (v.uncertain()) {
          unresolved.add(v.image());
        }
        warn(c.workload(), row.reason(), policy.ref(), policy.ref() + ": " + v.message());
      }
      for (UnavailableFacts missing : j.unavailable()) {
        unresolved.add(missing.image());
        warn(
            c.workload(),
            EventReason.ImageFactsUnavailable,
            policy.ref(),
            policy.ref()
                + " could not measure "
                + missing.image()
                + " ("
                + missing.reason()
                + ": "
                + missing.message()
                + ")");
      }
    }

    List<String> registryErrors = new ArrayList<>();
    facts.forEach(
        (image, outcome) -> {
          if (outcome instanceof FactsOutcome.Unavailable missing) {
            registryErrors.add(image + ": " + missing.message());
          }
        });
    AuditOutcome outcome =
        new AuditOutcome(
            policy.ref(),
            covered.size(),
            facts.size(),
            violations,
            unresolved.size(),
            registryErrors,
            facts.size(),
            Duration.between(start, clock.instant()),
            excepted,
            exceptedByException);
    metrics.audited(policy.ref(), facts, imagesByNamespace, violationsByNamespace, outcome);
    results.audited(
        policy,
        judged.stream()
            .map(
                j ->
                    new AuditResults.WorkloadFindings(
                        j.covered().workload(), j.violations(), j.unavailable()))
            .toList());
    exceptions.matches().accept(policy.ref(), exceptedByException);
    return outcome;
  }

  /** The evaluator's verdicts on every covered workload; pure, so it can run again. */
  private static List<Judged> judge(
      List<CompiledPolicy> policies,
      List<Covered> covered,
      Map<ImageReference, FactsOutcome> facts,
      ExceptionMatcher waivers) {
    List<Judged> judged = new ArrayList<>(covered.size());
    for (Covered c : covered) {
      List<Violation> violations = new ArrayList<>();
      List<UnavailableFacts> unavailable = new ArrayList<>();
      Evaluation evaluation = PolicyEvaluator.evaluate(policies, c.context(), facts::get, waivers);
      for (PolicyVerdict verdict : evaluation.verdicts()) {
        violations.addAll(verdict.violations());
        unavailable.addAll(verdict.unavailable());
      }
      Set<String> waivedBy = new TreeSet<>();
      evaluation.waivers().forEach(w -> waivedBy.add(w.exception().displayName()));
      judged.add(new Judged(c, violations, unavailable, waivedBy));
    }
    return judged;
  }

  /** The images and platforms whose uncompressed-size verdict is uncertain. */
  private static Map<ImageReference, Set<Platform>> uncertainPlatforms(List<Judged> judged) {
    return UncertainLayers.uncertainPlatforms(
        judged.stream().flatMap(j -> j.violations().stream()).toList());
  }

  /** The policy is gone or invalid: forget its metric series. */
  public void forget(PolicyRef policy) {
    metrics.forget(policy);
    results.forget(policy);
  }

  private static ImageFacts factsOf(Map<ImageReference, FactsOutcome> facts, Violation v) {
    try {
      return facts.get(ImageReference.parse(v.image())) instanceof FactsOutcome.Found found
          ? found.facts()
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void warn(WorkloadRef workload, EventReason reason, PolicyRef policy, String message) {
    events.warn(
        new WarningEvent(
            workload.toObjectReference(),
            reason,
            StatusLimits.fit(message, StatusLimits.MAX_MESSAGE_BYTES),
            WarningEvent.policyReference(policy),
            WarningEvent.AUDIT));
  }

  private record Judged(
      Covered covered,
      List<Violation> violations,
      List<UnavailableFacts> unavailable,
      Set<String> waivedBy) {}

  private record Covered(
      WorkloadRef workload, WorkloadContext context, List<InspectionNeed> needs) {
    Covered {
      needs = List.copyOf(new LinkedHashSet<>(needs));
    }
  }
}
