package dev.tonnage.manifests;

import dev.tonnage.admission.NamespaceLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The namespace labels a check judges by, as the webhook's Namespace cache would hold them: a
 * Namespace object's labels when one was given (in the manifests or a {@code --namespaces} file),
 * else the labels of {@code --namespace-labels}; and always {@value Manifests#NAME_LABEL}, which
 * the API server sets on every namespace.
 */
public final class ManifestNamespaces implements NamespaceLabels {

  private final Map<String, Map<String, String>> known;
  private final Map<String, String> otherwise;

  /**
   * @param known the labels of each Namespace object given, by name
   * @param otherwise the labels of every other namespace
   */
  public ManifestNamespaces(Map<String, Map<String, String>> known, Map<String, String> otherwise) {
    this.known = Map.copyOf(known);
    this.otherwise = Map.copyOf(otherwise);
  }

  @Override
  public Map<String, String> labelsOf(String namespace) {
    Map<String, String> labels = new LinkedHashMap<>(known.getOrDefault(namespace, otherwise));
    labels.put(Manifests.NAME_LABEL, namespace);
    return labels;
  }
}
