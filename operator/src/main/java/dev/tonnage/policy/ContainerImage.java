package dev.tonnage.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One container of a workload and the image it runs.
 *
 * @param name the container name; empty when there is none (the CLI checks bare images)
 * @param type which list of the Pod spec the container is in
 * @param image the image as written in the spec
 */
public record ContainerImage(String name, Type type, String image) {

  /** The Pod spec list a container comes from; all three are checked. */
  public enum Type {
    CONTAINER,
    INIT,
    EPHEMERAL
  }

  public ContainerImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(image, "image");
  }

  /** The init, regular and ephemeral containers of {@code pod}, in that order. */
  public static List<ContainerImage> of(PodSpec pod) {
    List<ContainerImage> result = new ArrayList<>();
    if (pod == null) {
      return result;
    }
    for (Container c : orEmpty(pod.getInitContainers())) {
      result.add(new ContainerImage(nameOf(c.getName()), Type.INIT, imageOf(c.getImage())));
    }
    for (Container c : orEmpty(pod.getContainers())) {
      result.add(new ContainerImage(nameOf(c.getName()), Type.CONTAINER, imageOf(c.getImage())));
    }
    for (EphemeralContainer c : orEmpty(pod.getEphemeralContainers())) {
      result.add(new ContainerImage(nameOf(c.getName()), Type.EPHEMERAL, imageOf(c.getImage())));
    }
    return result;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String nameOf(String name) {
    return name == null ? "" : name;
  }

  private static String imageOf(String image) {
    return image == null ? "" : image;
  }
}
