package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
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
public abstract class PolicyReconciler<P extends HasMetadata> implements Reconciler<P> {

  /** The Ready reason when an audit failed unexpectedly (it is retried). */
  public static final String REASON_AUDIT_FAILED = "AuditFailed";

  private static final Logger LOG = LoggerFactory.getLogger(PolicyReconciler.class);

  private final PolicyKind<P> kind;
  private final AuditRuntime runtime;
  private final Map<ResourceID, AuditPolicy> compiled = new ConcurrentHashMap<>();

  protected PolicyReconciler(PolicyKind<P> kind, AuditRuntime runtime) {
    this.kind = kind;
    this.runtime = runtime;
  }

  @Override
  public UpdateControl<P> reconcile(P policy, Context<P> context) {
    if (!runtime.leading().get()) {
      // Lost the Lease: another replica audits now; writing here would race it.
      return UpdateControl.noUpdate();
    }
    ResourceID id = ResourceID.fromResource(policy);
    PolicyKey key = kind.keyOf(policy);
    long generation = generationOf(policy);
    AuditStatus previous = kind.statusOf(policy);
    AuditPolicy audited;
    try {
      audited = kind.compile(policy);
    } catch (InvalidPolicyException e) {
      LOG.info("{} has an invalid spec: {}", key, e.getMessage());
      compiled.remove(id);
      runtime.auditor().forget(key);
      return write(
          policy,
          AuditStatusBuilder.invalidSpec(
              e.getMessage(), generation, previous, runtime.clock().instant()));
    }
    compiled.put(id, audited);
    AuditOutcome outcome = runtime.auditor().audit(audited, kind.auditedNamespace(policy));
    LOG.info(
        "audited {}: {} workloads, {} images, {} violations, {} unresolved in {} ms",
        key,
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
    LOG.warn("audit of {} failed: {}", kind.keyOf(policy), e.toString());
    AuditStatus previous = kind.statusOf(policy);
    AuditStatus failed =
        AuditStatusBuilder.failed(
            REASON_AUDIT_FAILED,
            "the audit failed and will be retried: " + e,
            generationOf(policy),
            previous,
            runtime.clock().instant());
    runtime.statusWrites().incrementAndGet();
    return ErrorStatusUpdateControl.patchStatus(kind.statusPatch(policy, failed));
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    IndexerResourceCache<P> policies = context.getPrimaryCache();
    return List.of(
        new PodChangeEventSource<P>(
            runtime.cluster(),
            pod -> policiesCovering(pod, policies),
            () -> forgetDeleted(policies),
            runtime.settings().debounce()));
  }

  /**
   * The policies of this kind that may cover {@code pod}: by namespace scope only (cheap); the
   * audit itself applies the object selector and image globs.
   */
  Set<ResourceID> policiesCovering(Pod pod, IndexerResourceCache<P> policies) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels = null;
    Set<ResourceID> ids = new HashSet<>();
    for (P policy : policies.list().toList()) {
      String scope = kind.auditedNamespace(policy);
      if (scope != null && !scope.equals(namespace)) {
        continue;
      }
      ResourceID id = ResourceID.fromResource(policy);
      AuditPolicy known = compiled.get(id);
      if (known != null) {
        if (labels == null) {
          labels = runtime.cluster().namespaceLabels(namespace);
        }
        if (!known.appliesToNamespace(namespace, labels)) {
          continue;
        }
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * Deleted policies get no reconcile (no finalizer: a policy must never be stuck on a stopped
   * operator), so their metric series are dropped here, at every debounce window.
   */
  void forgetDeleted(IndexerResourceCache<P> policies) {
    for (Map.Entry<ResourceID, AuditPolicy> e : compiled.entrySet()) {
      if (policies.get(e.getKey()).isEmpty() && compiled.remove(e.getKey(), e.getValue())) {
        runtime.auditor().forget(e.getValue().key());
      }
    }
  }

  private UpdateControl<P> write(P policy, AuditStatus status) {
    runtime.statusWrites().incrementAndGet();
    return UpdateControl.patchStatus(kind.statusPatch(policy, status));
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
