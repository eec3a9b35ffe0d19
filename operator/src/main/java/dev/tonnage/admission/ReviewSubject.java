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
 */
public record ReviewSubject(
    AdmissionRequest request,
    Workload workload,
    Map<String, String> namespaceLabels,
    Instant deadline) {

  public ReviewSubject {
    namespaceLabels = Map.copyOf(namespaceLabels);
  }
}
