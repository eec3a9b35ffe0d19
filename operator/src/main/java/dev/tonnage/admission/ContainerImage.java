package dev.tonnage.admission;

/**
 * One container of a pod spec and the image it names, as written (not yet normalized).
 *
 * @param name the container name
 * @param type which list of the pod spec it is in
 * @param image the image reference as written
 */
public record ContainerImage(String name, Type type, String image) {

  /** The pod spec list a container comes from; all of them pull images. */
  public enum Type {
    CONTAINER,
    INIT,
    EPHEMERAL
  }
}
