package dev.tonnage.audit;

import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.PlatformFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A policy with one rule, a compressed-size limit, over the namespaces a predicate accepts: enough
 * to drive the orchestration without the real evaluator.
 */
final class FakePolicy implements AuditPolicy {

  private final PolicyKey key;
  private final long maxCompressed;
  private final Predicate<String> namespaces;

  FakePolicy(PolicyKey key, long maxCompressed, Predicate<String> namespaces) {
    this.key = key;
    this.maxCompressed = maxCompressed;
    this.namespaces = namespaces;
  }

  @Override
  public PolicyKey key() {
    return key;
  }

  @Override
  public boolean appliesToNamespace(String namespace, Map<String, String> namespaceLabels) {
    return namespaces.test(namespace) && !"true".equals(namespaceLabels.get("tonnage.dev/ignore"));
  }

  @Override
  public Set<ImageReference> imagesToInspect(
      AuditedWorkload workload, Map<String, String> namespaceLabels) {
    Set<ImageReference> images = new LinkedHashSet<>();
    for (ContainerImage c : workload.containers()) {
      images.add(ImageReference.parse(c.image()));
    }
    return images;
  }

  @Override
  public List<AuditViolation> evaluate(
      AuditedWorkload workload,
      Map<String, String> namespaceLabels,
      Map<ImageReference, ImageMeasurement> measurements) {
    List<AuditViolation> violations = new ArrayList<>();
    for (ContainerImage c : workload.containers()) {
      ImageReference ref = ImageReference.parse(c.image());
      if (measurements.get(ref) instanceof ImageMeasurement.Measured m) {
        for (PlatformFacts p : m.facts().platforms()) {
          if (p.compressedSize() > maxCompressed) {
            violations.add(
                new AuditViolation(
                    workload.ref(),
                    c.container(),
                    ref.toString(),
                    m.facts().digest(),
                    p.platform().toString(),
                    "MAX_COMPRESSED_SIZE",
                    p.compressedSize() + " B",
                    maxCompressed + " B",
                    ref
                        + " is "
                        + p.compressedSize()
                        + " B, over the "
                        + maxCompressed
                        + " B limit",
                    (double) p.compressedSize() / maxCompressed,
                    EventReason.ImageTooLarge));
          }
        }
      }
    }
    return violations;
  }
}
