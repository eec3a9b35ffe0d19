package dev.tonnage.admission;

import java.util.List;

/**
 * The registry credentials a Pod may pull with, from caches: no API call per review. Kubernetes
 * pulls with the Pod's own imagePullSecrets and those of its ServiceAccount; Tonnage measures with
 * the same.
 */
@FunctionalInterface
public interface PullSecrets {

  PullSecrets NONE = (namespace, serviceAccount, secretNames) -> List.of();

  /**
   * The {@code .dockerconfigjson} contents of the Pod's pull secrets then its ServiceAccount's, in
   * that order, skipping secrets that do not exist or are not of type {@code
   * kubernetes.io/dockerconfigjson}.
   */
  List<String> dockerConfigs(String namespace, String serviceAccount, List<String> secretNames);
}
