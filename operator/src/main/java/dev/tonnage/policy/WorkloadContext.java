package dev.tonnage.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the evaluator knows of a workload besides its images' facts.
 *
 * @param kind the workload kind, e.g. Pod or Deployment
 * @param namespace the namespace; null when there is none to know (the CLI), in which case every
 *     ImagePolicy applies regardless of its namespace and no namespace is excluded
 * @param namespaceLabels the namespace's labels
 * @param name the workload name
 * @param labels the workload object's labels
 * @param containers every container with its image
 * @param platforms where the Pod can be scheduled
 */
public record WorkloadContext(
    String kind,
    String namespace,
    Map<String, String> namespaceLabels,
    String name,
    Map<String, String> labels,
    List<ContainerImage> containers,
    PlatformConstraints platforms) {

  /** The opt-out label: {@code "true"} on a namespace or object skips every policy. */
  public static final String IGNORE_LABEL = "tonnage.dev/ignore";

  public WorkloadContext {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    containers = List.copyOf(containers);
    platforms = platforms == null ? PlatformConstraints.NONE : platforms;
  }

  /**
   * The context of {@code tonnage check}: one bare image, no namespace, no labels, so only policies
   * whose selectors match empty labels apply.
   */
  public static WorkloadContext forImage(String image, PlatformConstraints platforms) {
    return new WorkloadContext(
        "Image",
        null,
        Map.of(),
        image,
        Map.of(),
        List.of(new ContainerImage("", ContainerImage.Type.CONTAINER, image)),
        platforms);
  }

  /** Whether the namespace or the object carries {@code tonnage.dev/ignore: "true"}. */
  public boolean optedOut() {
    return "true".equals(namespaceLabels.get(IGNORE_LABEL))
        || "true".equals(labels.get(IGNORE_LABEL));
  }
}
