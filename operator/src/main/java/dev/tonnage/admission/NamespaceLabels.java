package dev.tonnage.admission;

import java.util.Map;

/** The labels of a namespace, from a cache: no API call per review. */
@FunctionalInterface
public interface NamespaceLabels {

  /** The labels of {@code namespace}; empty when it is unknown (not yet seen, or deleted). */
  Map<String, String> labelsOf(String namespace);
}
