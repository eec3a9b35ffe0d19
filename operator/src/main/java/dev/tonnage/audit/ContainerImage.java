package dev.tonnage.audit;

/**
 * One container of an audited workload and the image it runs, as written in the Pod spec.
 *
 * @param container the container name
 * @param image the image as written in the spec (normalized later, when parsed)
 * @param type whether it is a regular, init or ephemeral container
 */
public record ContainerImage(String container, String image, Type type) {

  /** Where the container is declared in the Pod spec. */
  public enum Type {
    CONTAINER,
    INIT_CONTAINER,
    EPHEMERAL_CONTAINER
  }
}
