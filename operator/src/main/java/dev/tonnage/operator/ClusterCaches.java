package dev.tonnage.operator;

import dev.tonnage.admission.NamespaceLabels;
import dev.tonnage.admission.PullSecrets;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Informer-backed caches of what admission reads per review: namespace labels, ServiceAccounts and
 * pull secrets (only secrets of type {@code kubernetes.io/dockerconfigjson} are listed and watched,
 * by field selector). Reviews read the caches; nothing calls the API server on the request path.
 */
public final class ClusterCaches implements NamespaceLabels, PullSecrets, AutoCloseable {

  static final String DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<ServiceAccount> serviceAccounts;
  private final SharedIndexInformer<Secret> secrets;

  private ClusterCaches(
      SharedIndexInformer<Namespace> namespaces,
      SharedIndexInformer<ServiceAccount> serviceAccounts,
      SharedIndexInformer<Secret> secrets) {
    this.namespaces = namespaces;
    this.serviceAccounts = serviceAccounts;
    this.secrets = secrets;
  }

  /** Starts the informers and waits up to {@code timeout} for their first lists. */
  public static ClusterCaches start(KubernetesClient client, Duration timeout)
      throws TimeoutException {
    ClusterCaches caches =
        new ClusterCaches(
            client.namespaces().runnableInformer(0),
            client.serviceAccounts().inAnyNamespace().runnableInformer(0),
            client
                .secrets()
                .inAnyNamespace()
                .withField("type", DOCKER_CONFIG_JSON_TYPE)
                .runnableInformer(0));
    CompletableFuture<Void> started =
        CompletableFuture.allOf(
            caches.namespaces.start().toCompletableFuture(),
            caches.serviceAccounts.start().toCompletableFuture(),
            caches.secrets.start().toCompletableFuture());
    try {
      started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      caches.close();
      throw new TimeoutException(
          "the namespace, service account and pull secret caches did not fill within "
              + timeout
              + "; check that the API server is reachable and that the operator may list and"
              + " watch namespaces, serviceaccounts and secrets");
    } catch (Exception e) {
      caches.close();
      throw new IllegalStateException(
          "cannot start the cluster caches: " + (e.getCause() == null ? e : e.getCause()), e);
    }
    return caches;
  }

  /** Whether every cache holds a complete list: the readiness of admission. */
  public boolean synced() {
    return namespaces.hasSynced() && serviceAccounts.hasSynced() && secrets.hasSynced();
  }

  @Override
  public Map<String, String> labelsOf(String namespace) {
    Namespace cached = namespaces.getStore().getByKey(namespace);
    if (cached == null || cached.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return cached.getMetadata().getLabels();
  }

  @Override
  public List<String> dockerConfigs(
      String namespace, String serviceAccount, List<String> secretNames) {
    Set<String> names = new LinkedHashSet<>(secretNames);
    ServiceAccount account = serviceAccounts.getStore().getByKey(namespace + "/" + serviceAccount);
    if (account != null && account.getImagePullSecrets() != null) {
      for (LocalObjectReference reference : account.getImagePullSecrets()) {
        if (reference.getName() != null) {
          names.add(reference.getName());
        }
      }
    }
    List<String> configs = new ArrayList<>();
    for (String name : names) {
      Secret secret = secrets.getStore().getByKey(namespace + "/" + name);
      if (secret == null
          || !DOCKER_CONFIG_JSON_TYPE.equals(secret.getType())
          || secret.getData() == null
          || secret.getData().get(DOCKER_CONFIG_JSON_KEY) == null) {
        continue;
      }
      try {
        configs.add(
            new String(
                Base64.getDecoder().decode(secret.getData().get(DOCKER_CONFIG_JSON_KEY)),
                StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // Not base64: the API server would not store it; skip rather than fail the review.
      }
    }
    return configs;
  }

  @Override
  public void close() {
    namespaces.close();
    serviceAccounts.close();
    secrets.close();
  }
}
