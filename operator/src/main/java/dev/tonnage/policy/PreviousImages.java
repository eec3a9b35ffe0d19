package dev.tonnage.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The images an UPDATE replaces: for each container of the stored object, the image it ran, so
 * spec.limits.maxGrowth can judge the new image against the old one in the same container. {@link
 * #NONE} on CREATE, in the audit (it sees no previous image) and for a check without a baseline.
 */
public final class PreviousImages {

  /** No previous images: growth is not judged. */
  public static final PreviousImages NONE = new PreviousImages(Map.of());

  private final Map<String, String> byContainer;

  private PreviousImages(Map<String, String> byContainer) {
    this.byContainer = Map.copyOf(byContainer);
  }

  /** The images of the stored object's containers. */
  public static PreviousImages of(List<ContainerImage> containers) {
    Map<String, String> byContainer = new HashMap<>();
    for (ContainerImage c : containers) {
      byContainer.putIfAbsent(key(c), c.image());
    }
    return new PreviousImages(byContainer);
  }

  /**
   * The image {@code container} replaces when it changed, or null when the container is new or runs
   * the image it ran.
   */
  public String replacedBy(ContainerImage container) {
    String old = byContainer.get(key(container));
    return old == null || old.equals(container.image()) ? null : old;
  }

  private static String key(ContainerImage c) {
    return c.type() + "/" + c.name();
  }
}
