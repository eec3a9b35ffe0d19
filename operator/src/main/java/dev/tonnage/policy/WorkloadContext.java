package dev.tonnage.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the evaluator knows of a workload besides its images' facts.
 *
 * @param kind the workload kind, e.g. Pod or Deployment; {@link #IMAGE_KIND} for a bare image
 * @param namespace the namespace; null for a bare image
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

  /** The kind of a bare image checked outside a cluster ({@link #forImage}). */
  public static final String IMAGE_KIND = "Image";

  /**
   * The opt-out label: {@code "true"} on a namespace skips every policy. On an object it means
   * nothing: a workload's author cannot exempt it (ImagePolicyExceptions can).
   */
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
   * The context of {@code tonnage check}: one bare image with no workload around it, so no
   * namespace and no labels. A bare image is judged by every policy that could apply to it:
   * namespace scoping (an ImagePolicy's namespace, exclude.namespaces, namespaceSelector) and
   * objectSelector are not evaluated; match.images and exclude.images are.
   */
  public static WorkloadContext forImage(String image, PlatformConstraints platforms) {
    return new WorkloadContext(
        IMAGE_KIND,
        null,
        Map.of(),
        image,
        Map.of(),
        List.of(new ContainerImage("", ContainerImage.Type.CONTAINER, image)),
        platforms);
  }

  /** Whether this is a bare image ({@link #forImage}) rather than a workload in a cluster. */
  public boolean isBareImage() {
    return namespace == null && IMAGE_KIND.equals(kind);
  }

  /** Whether the namespace carries {@code tonnage.dev/ignore: "true"}. */
  public boolean optedOut() {
    return "true".equals(namespaceLabels.get(IGNORE_LABEL));
  }
}
