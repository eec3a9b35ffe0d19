package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Turns Pod changes into debounced audits: a Pod created, deleted, or changed in what the audit
 * reads (images, labels, owners, finished) marks the policies that may cover it, and a Namespace
 * whose labels change marks the policies whose namespaceSelector now decides otherwise; once per
 * debounce window every marked policy gets one event. A rollout of 500 Pods thus costs one audit
 * per policy and window, not 500.
 *
 * @param <P> the policy kind
 */
public final class PodChangeEventSource<P extends HasMetadata> extends AbstractEventSource<Pod, P>
    implements ResourceEventHandler<Pod> {

  private final ClusterView cluster;
  private final Function<Pod, Set<ResourceID>> policiesCovering;
  private final BiFunction<Namespace, Namespace, Set<ResourceID>> policiesReselected;
  private final Runnable onFlush;
  private final Duration debounce;
  private final Set<ResourceID> pending = new HashSet<>();
  private ScheduledExecutorService timer;

  /**
   * @param policiesCovering the policies that may cover a Pod (cheap: namespace scope only)
   * @param policiesReselected the policies whose namespaceSelector selects a Namespace before its
   *     label change and not after, or after and not before
   * @param onFlush runs at every window as well, e.g. to forget deleted policies
   */
  public PodChangeEventSource(
      ClusterView cluster,
      Function<Pod, Set<ResourceID>> policiesCovering,
      BiFunction<Namespace, Namespace, Set<ResourceID>> policiesReselected,
      Runnable onFlush,
      Duration debounce) {
    super(Pod.class, "audited-pods");
    this.cluster = cluster;
    this.policiesCovering = policiesCovering;
    this.policiesReselected = policiesReselected;
    this.onFlush = onFlush;
    this.debounce = debounce;
  }

  @Override
  public synchronized void start() {
    cluster.addPodHandler(this);
    cluster.addNamespaceHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Namespace namespace) {
            // A new namespace has no Pods yet; its Pods mark the policies as they come.
          }

          @Override
          public void onUpdate(Namespace before, Namespace after) {
            if (!Objects.equals(
                before.getMetadata().getLabels(), after.getMetadata().getLabels())) {
              markAll(policiesReselected.apply(before, after));
            }
          }

          @Override
          public void onDelete(Namespace namespace, boolean deletedFinalStateUnknown) {
            // Its Pods are deleted with it, and each marks the policies covering it.
          }
        });
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tonnage-audit-pod-debounce");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(1, debounce.toMillis());
    timer.scheduleAtFixedRate(this::flush, period, period, TimeUnit.MILLISECONDS);
    super.start();
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
    super.stop();
  }

  /** The reconcilers read Pods from the shared {@link ClusterView}, not through the context. */
  @Override
  public Set<Pod> getSecondaryResources(P primary) {
    return Set.of();
  }

  @Override
  public void onAdd(Pod pod) {
    mark(pod);
  }

  @Override
  public void onUpdate(Pod before, Pod after) {
    if (!Objects.equals(AuditedFields.of(before), AuditedFields.of(after))) {
      mark(after);
    }
  }

  @Override
  public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
    mark(pod);
  }

  private void mark(Pod pod) {
    markAll(policiesCovering.apply(pod));
  }

  /** Marks {@code policies} for the next window, whatever their Pods did. */
  public void markAll(Collection<ResourceID> policies) {
    synchronized (pending) {
      pending.addAll(policies);
    }
  }

  /** Sends one event per marked policy; visible for tests. */
  void flush() {
    List<ResourceID> due;
    synchronized (pending) {
      due = new ArrayList<>(pending);
      pending.clear();
    }
    if (isRunning() && getEventHandler() != null) {
      for (ResourceID id : due) {
        getEventHandler().handleEvent(new Event(id));
      }
    }
    onFlush.run();
  }

  /** What of a Pod the audit reads; a change elsewhere (status, conditions) triggers nothing. */
  private record AuditedFields(Object labels, Object owners, Object images, boolean finished) {
    static AuditedFields of(Pod pod) {
      PodSpec spec = pod.getSpec();
      List<String> images = new ArrayList<>();
      if (spec != null) {
        if (spec.getInitContainers() != null) {
          spec.getInitContainers().forEach(c -> images.add(c.getImage()));
        }
        if (spec.getContainers() != null) {
          spec.getContainers().forEach(c -> images.add(c.getImage()));
        }
        if (spec.getEphemeralContainers() != null) {
          spec.getEphemeralContainers().forEach(c -> images.add(c.getImage()));
        }
      }
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      return new AuditedFields(
          pod.getMetadata().getLabels(),
          pod.getMetadata().getOwnerReferences(),
          images,
          "Succeeded".equals(phase) || "Failed".equals(phase));
    }
  }
}
