package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.api.v1alpha1.ImagePolicyStatus;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.ExceptionMatcher;
import dev.tonnage.policy.InvalidPolicyException;
import dev.tonnage.policy.PolicyRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler of one policy kind: compile the spec, audit what runs, write the status once per
 * audit, and come back after the audit interval (plus jitter). Everything else — observing,
 * measuring, evaluating — lives in collaborators shared by both kinds.
 *
 * <p>Every audit writes its status once, even when only {@code lastAuditTime} moved: that time is
 * the freshness users and alerts read, and one write per policy per interval is cheap.
 *
 * @param <P> the policy kind
 */
public abstract class PolicyReconciler<P extends CustomResource<ImagePolicySpec, ImagePolicyStatus>>
    implements Reconciler<P> {

  /** The Ready reason when an audit failed unexpectedly (it is retried). */
  public static final String REASON_AUDIT_FAILED = "AuditFailed";

  /** How soon a replica without the Lease looks at a policy again: about one Lease duration. */
  static final Duration LEADERSHIP_RECHECK = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(PolicyReconciler.class);

  private final AuditRuntime runtime;
  private final Map<ResourceID, PolicyRef> audited = new ConcurrentHashMap<>();
  // The last generation of each policy that compiled here: the one the webhook keeps in force.
  private final Map<ResourceID, Long> compiledGeneration = new ConcurrentHashMap<>();

  protected PolicyReconciler(AuditRuntime runtime) {
    this.runtime = runtime;
  }

  /** Compiles the spec with the shared evaluator; throws {@link InvalidPolicyException}. */
  protected abstract CompiledPolicy compile(P policy);

  /** The namespace whose Pods the policy covers, or null for every namespace. */
  protected abstract String auditedNamespace(P policy);

  /** The policy's reference, for metrics, Events and logs. */
  protected abstract PolicyRef refOf(P policy);

  /** A new, empty resource of the kind, for status patches. */
  protected abstract P newResource();

  @Override
  public UpdateControl<P> reconcile(P policy, Context<P> context) {
    if (!runtime.leading().get()) {
      // Another replica holds the Lease and audits; writing here would race it. Look again
      // later: once this replica holds the Lease, the policy is audited here.
      return UpdateControl.<P>noUpdate().rescheduleAfter(LEADERSHIP_RECHECK);
    }
    ResourceID id = ResourceID.fromResource(policy);
    PolicyRef ref = refOf(policy);
    long generation = generationOf(policy);
    AuditStatus previous = AuditStatus.of(policy.getStatus());
    CompiledPolicy compiled;
    try {
      compiled = compile(policy);
    } catch (InvalidPolicyException e) {
      String problems = String.join("; ", e.problems());
      Long inForce = inForceGeneration(id, previous, generation);
      if (inForce != null) {
        // Fail-closed: the webhook keeps the last version that compiled, and so do its findings.
        LOG.info("{} generation {} has an invalid spec: {}", ref, generation, problems);
        return write(
            policy,
            AuditStatusBuilder.invalidSpecKeeping(
                problems, inForce, generation, previous, runtime.clock().instant()));
      }
      LOG.info("{} has an invalid spec and is not in force: {}", ref, problems);
      audited.remove(id);
      runtime.auditor().forget(ref);
      return write(
          policy,
          AuditStatusBuilder.invalidSpec(
              problems + "; the policy is not in force until its spec compiles",
              generation,
              previous,
              runtime.clock().instant()));
    }
    compiledGeneration.put(id, generation);
    audited.put(id, ref);
    AuditOutcome outcome =
        runtime.auditor().audit(compiled, policy.getSpec().getLimits(), auditedNamespace(policy));
    LOG.info(
        "audited {}: {} workloads, {} images, {} violations, {} unresolved in {} ms",
        ref,
        outcome.workloads(),
        outcome.images(),
        outcome.violations().size(),
        outcome.unresolved(),
        outcome.duration().toMillis());
    return write(
            policy,
            AuditStatusBuilder.audited(outcome, generation, previous, runtime.clock().instant()))
        .rescheduleAfter(nextAudit());
  }

  /** The one error-status path: Ready=False, AuditFailed, and JOSDK retries with backoff. */
  @Override
  public ErrorStatusUpdateControl<P> updateErrorStatus(P policy, Context<P> context, Exception e) {
    LOG.warn("audit of {} failed: {}", refOf(policy), e.toString());
    AuditStatus previous = AuditStatus.of(policy.getStatus());
    AuditStatus failed =
        AuditStatusBuilder.failed(
            REASON_AUDIT_FAILED,
            "the audit failed and will be retried: " + e,
            generationOf(policy),
            previous,
            runtime.clock().instant());
    runtime.statusWrites().incrementAndGet();
    return ErrorStatusUpdateControl.patchStatus(statusPatch(policy, failed));
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    IndexerResourceCache<P> policies = context.getPrimaryCache();
    AtomicReference<PodChangeEventSource<P>> self = new AtomicReference<>();
    AtomicReference<ExceptionMatcher> seen =
        new AtomicReference<>(runtime.auditor().exceptions().exceptions());
    PodChangeEventSource<P> source =
        new PodChangeEventSource<P>(
            runtime.cluster(),
            pod -> policiesCovering(pod, policies),
            (before, after) -> policiesReselected(before, after, policies),
            () -> {
              forgetDeleted(policies);
              reauditOnExceptionChange(policies, seen, self.get());
            },
            runtime.settings().debounce());
    self.set(source);
    return List.of(source);
  }

  /**
   * An exception appeared, changed, was deleted or expired (the cache then publishes a new
   * matcher): every policy is audited again in the next window.
   */
  private void reauditOnExceptionChange(
      IndexerResourceCache<P> policies,
      AtomicReference<ExceptionMatcher> seen,
      PodChangeEventSource<P> source) {
    ExceptionMatcher now = runtime.auditor().exceptions().exceptions();
    if (source != null && seen.getAndSet(now) != now) {
      source.markAll(policies.list().map(ResourceID::fromResource).toList());
    }
  }

  /**
   * The policies of this kind that may cover {@code pod}: by namespace scope only (cheap); the
   * audit itself applies selectors, exclusions and image globs.
   */
  Set<ResourceID> policiesCovering(Pod pod, IndexerResourceCache<P> policies) {
    String namespace = pod.getMetadata().getNamespace();
    Set<ResourceID> ids = new HashSet<>();
    policies
        .list()
        .forEach(
            policy -> {
              String scope = auditedNamespace(policy);
              if (scope == null || scope.equals(namespace)) {
                ids.add(ResourceID.fromResource(policy));
              }
            });
    return ids;
  }

  /**
   * The policies of this kind, in force in the namespace, whose namespaceSelector decides
   * differently on the labels {@code before} and {@code after} a change: they re-audit now rather
   * than at the next interval. A policy that does not compile is left to its own reconcile.
   */
  Set<ResourceID> policiesReselected(
      Namespace before, Namespace after, IndexerResourceCache<P> policies) {
    String namespace = after.getMetadata().getName();
    Map<String, String> old = labelsOf(before);
    Map<String, String> now = labelsOf(after);
    Set<ResourceID> ids = new HashSet<>();
    for (P policy : policies.list().toList()) {
      String scope = auditedNamespace(policy);
      if (scope != null && !scope.equals(namespace)) {
        continue;
      }
      try {
        CompiledPolicy compiled = compile(policy);
        if (compiled.selectsNamespace(old) != compiled.selectsNamespace(now)) {
          ids.add(ResourceID.fromResource(policy));
        }
      } catch (InvalidPolicyException e) {
        // Its reconcile reports the error; a label change does not change it.
      }
    }
    return ids;
  }

  private static Map<String, String> labelsOf(Namespace namespace) {
    Map<String, String> labels = namespace.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /**
   * Deleted policies get no reconcile (no finalizer: a policy must never be stuck on a stopped
   * operator), so their metric series are dropped here, at every debounce window.
   */
  void forgetDeleted(IndexerResourceCache<P> policies) {
    for (Map.Entry<ResourceID, PolicyRef> e : audited.entrySet()) {
      if (policies.get(e.getKey()).isEmpty() && audited.remove(e.getKey(), e.getValue())) {
        compiledGeneration.remove(e.getKey());
        runtime.auditor().forget(e.getValue());
      }
    }
  }

  /**
   * The earlier generation still in force, or null: the last one that compiled on this replica,
   * else the one the previous status names as kept, else the one it describes when an audit (not a
   * spec error) wrote it.
   */
  private Long inForceGeneration(ResourceID id, AuditStatus previous, long generation) {
    Long compiled = compiledGeneration.get(id);
    if (compiled != null && compiled < generation) {
      return compiled;
    }
    Long kept = AuditStatusBuilder.keptGeneration(previous);
    if (kept != null && kept < generation) {
      return kept;
    }
    Long observed = previous.observedGeneration();
    boolean auditedThen =
        previous.conditions().stream()
            .anyMatch(
                c ->
                    AuditStatusBuilder.READY.equals(c.getType())
                        && !AuditStatusBuilder.REASON_INVALID_SPEC.equals(c.getReason()));
    return observed != null && observed > 0 && observed < generation && auditedThen
        ? observed
        : null;
  }

  private UpdateControl<P> write(P policy, AuditStatus status) {
    runtime.statusWrites().incrementAndGet();
    return UpdateControl.patchStatus(statusPatch(policy, status));
  }

  /**
   * A fresh object carrying only the policy's name, namespace and {@code status}: what a status
   * patch sends, so it can never overwrite spec or metadata.
   */
  private P statusPatch(P policy, AuditStatus status) {
    P fresh = newResource();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(policy.getMetadata().getName())
            .withNamespace(policy.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status.toResourceStatus());
    return fresh;
  }

  private Duration nextAudit() {
    Duration interval = runtime.settings().interval();
    long extra = (long) (interval.toMillis() * runtime.settings().jitter());
    return interval.plusMillis(extra <= 0 ? 0 : ThreadLocalRandom.current().nextLong(extra + 1));
  }

  private static long generationOf(HasMetadata policy) {
    Long generation = policy.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
