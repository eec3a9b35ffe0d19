package dev.tonnage.admission;

import java.time.Instant;
import java.util.Map;

/**
 * An object that needs a policy decision.
 *
 * @param request the review request
 * @param workload the object, read
 * @param namespaceLabels the labels of its namespace, for namespaceSelectors
 * @param deadline when the decision must be made; facts not had by then are unavailable
 * @param previous the stored object an UPDATE replaces, read with the same reader; null on CREATE
 *     (spec.limits.maxGrowth judges changed images against its images)
 */
public record ReviewSubject(
    AdmissionRequest request,
    Workload workload,
    Map<String, String> namespaceLabels,
    Instant deadline,
    Workload previous) {

  public ReviewSubject {
    namespaceLabels = Map.copyOf(namespaceLabels);
  }

  /** A subject with no previous object (CREATE). */
  public ReviewSubject(
      AdmissionRequest request,
      Workload workload,
      Map<String, String> namespaceLabels,
      Instant deadline) {
    this(request, workload, namespaceLabels, deadline, null);
  }
}
