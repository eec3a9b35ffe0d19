package dev.tonnage.audit;

import dev.tonnage.registry.ImageReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The audit of one policy, shared by both reconcilers: observe the Pods it covers (from informer
 * caches), measure each distinct image once, evaluate every workload with the policy, then record
 * Events and metrics. Building and writing the status is the reconciler's part.
 */
public final class PolicyAuditor {

  private final ClusterView cluster;
  private final ImageMeasurer measurer;
  private final EventDeduplicator dedup;
  private final WorkloadEvents events;
  private final AuditMetricsLedger metrics;
  private final Clock clock;

  public PolicyAuditor(
      ClusterView cluster, ImageMeasurer measurer, AuditRecorders recorders, Clock clock) {
    this.cluster = cluster;
    this.measurer = measurer;
    this.dedup = recorders.dedup();
    this.events = recorders.events();
    this.metrics = recorders.metrics();
    this.clock = clock;
  }

  /**
   * Where an audit's side effects go: Events (deduplicated) and metrics.
   *
   * @param dedup lets one Event per workload, image and reason through per interval
   * @param events records the Events
   * @param metrics the metric series lifecycle
   */
  public record AuditRecorders(
      EventDeduplicator dedup, WorkloadEvents events, AuditMetricsLedger metrics) {}

  /**
   * Audits {@code policy} over the Pods of {@code namespace} (an ImagePolicy's own) or of every
   * namespace (null, for a ClusterImagePolicy).
   */
  public AuditOutcome audit(AuditPolicy policy, String namespace) {
    Instant start = clock.instant();
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    List<Pod> inScope = new ArrayList<>();
    for (Pod pod : cluster.pods(namespace)) {
      String ns = pod.getMetadata().getNamespace();
      Map<String, String> labels = namespaceLabels.computeIfAbsent(ns, cluster::namespaceLabels);
      if (policy.appliesToNamespace(ns, labels)) {
        inScope.add(pod);
      }
    }

    List<Covered> covered = new ArrayList<>();
    Set<ImageReference> images = new LinkedHashSet<>();
    for (AuditedWorkload workload : new WorkloadGrouper(cluster).group(inScope)) {
      Map<String, String> labels = namespaceLabels.get(workload.ref().namespace());
      Set<ImageReference> needed = policy.imagesToInspect(workload, labels);
      if (!needed.isEmpty()) {
        covered.add(new Covered(workload, labels, needed));
        images.addAll(needed);
      }
    }

    Map<ImageReference, ImageMeasurement> measurements = measurer.measureAll(images);

    List<AuditViolation> violations = new ArrayList<>();
    Map<String, Integer> violationsByNamespace = new TreeMap<>();
    Map<String, Set<ImageReference>> imagesByNamespace = new HashMap<>();
    for (Covered c : covered) {
      imagesByNamespace
          .computeIfAbsent(c.workload().ref().namespace(), ns -> new HashSet<>())
          .addAll(c.images());
      List<AuditViolation> found = policy.evaluate(c.workload(), c.namespaceLabels(), measurements);
      violations.addAll(found);
      if (!found.isEmpty()) {
        violationsByNamespace.merge(c.workload().ref().namespace(), found.size(), Integer::sum);
      }
      for (AuditViolation v : found) {
        warnOnce(c.workload().ref(), v.image(), v.reason(), policy.key() + ": " + v.message());
      }
      for (ImageReference image : c.images()) {
        if (measurements.get(image) instanceof ImageMeasurement.Unavailable missing) {
          warnOnce(
              c.workload().ref(),
              image.toString(),
              EventReason.ImageFactsUnavailable,
              policy.key() + " could not measure " + image + ": " + missing.reason());
        }
      }
    }

    List<String> registryErrors = new ArrayList<>();
    measurements.forEach(
        (image, m) -> {
          if (m instanceof ImageMeasurement.Unavailable missing) {
            registryErrors.add(image + ": " + missing.reason());
          }
        });
    AuditOutcome outcome =
        new AuditOutcome(
            policy.key(),
            covered.size(),
            measurements.size(),
            violations,
            registryErrors.size(),
            registryErrors,
            measurements.size(),
            Duration.between(start, clock.instant()));
    metrics.audited(policy.key(), measurements, imagesByNamespace, violationsByNamespace, outcome);
    return outcome;
  }

  /** The policy is gone or invalid: forget its metric series. */
  public void forget(PolicyKey policy) {
    metrics.forget(policy);
  }

  private void warnOnce(WorkloadRef workload, String image, EventReason reason, String message) {
    if (dedup.firstInInterval(new EventDeduplicator.Key(workload, image, reason))) {
      events.warn(workload, reason, message);
    }
  }

  private record Covered(
      AuditedWorkload workload, Map<String, String> namespaceLabels, Set<ImageReference> images) {}
}
