package dev.tonnage.audit;

import dev.tonnage.policy.PolicyRef;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Keeps the series an {@link AuditMetrics} would publish, as a Prometheus registry would. */
final class RecordingMetrics implements AuditMetrics {

  final Map<String, Long> compressedSize = new HashMap<>();
  final Map<String, Integer> violations = new HashMap<>();
  final Map<String, Long> namespaceBytes = new HashMap<>();
  final List<String> completed = new ArrayList<>();

  @Override
  public synchronized void imageMeasured(ImageReference image, ImageFacts facts) {
    compressedSize.put(image.toString(), facts.platforms().get(0).compressedSize());
  }

  @Override
  public synchronized void imageForgotten(ImageReference image) {
    compressedSize.remove(image.toString());
  }

  @Override
  public synchronized void namespaceImageBytes(String namespace, long bytes) {
    namespaceBytes.put(namespace, bytes);
  }

  @Override
  public synchronized void namespaceForgotten(String namespace) {
    namespaceBytes.remove(namespace);
  }

  @Override
  public synchronized void violations(PolicyRef policy, Map<String, Integer> countByNamespace) {
    violations.keySet().removeIf(k -> k.startsWith(TonnageAuditMetrics.label(policy) + "|"));
    countByNamespace.forEach(
        (ns, count) -> violations.put(TonnageAuditMetrics.label(policy) + "|" + ns, count));
  }

  @Override
  public synchronized void policyForgotten(PolicyRef policy) {
    violations.keySet().removeIf(k -> k.startsWith(TonnageAuditMetrics.label(policy) + "|"));
  }

  @Override
  public synchronized void auditCompleted(PolicyRef policy, Duration duration, boolean complete) {
    completed.add(TonnageAuditMetrics.label(policy) + (complete ? " complete" : " incomplete"));
  }

  synchronized Set<String> images() {
    return new TreeSet<>(compressedSize.keySet());
  }
}
