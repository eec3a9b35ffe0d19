package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;

/**
 * The ownerReferences of intermediate owners (ReplicaSets, Jobs), read from an informer cache: the
 * audit never makes an API call per Pod.
 */
@FunctionalInterface
public interface OwnerLookup {

  /**
   * The ownerReferences of the object {@code kind/namespace/name}; empty when it has none or is not
   * in the cache.
   */
  List<OwnerReference> ownersOf(String kind, String namespace, String name);
}
