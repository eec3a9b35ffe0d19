package dev.tonnage.operator;

import dev.tonnage.admission.PolicySource;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.InvalidPolicyException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, compiled once per change from informers on ClusterImagePolicy and
 * ImagePolicy; reviews read an immutable snapshot. A policy that does not compile is left out and
 * logged (its status says why, from the audit).
 */
public final class PolicyCache implements PolicySource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyCache.class);
  private static final Comparator<CompiledPolicy> ORDER =
      Comparator.comparing((CompiledPolicy p) -> p.ref().toString());

  private final SharedIndexInformer<ClusterImagePolicy> clusterInformer;
  private final SharedIndexInformer<ImagePolicy> namespacedInformer;
  private final Map<String, CompiledPolicy> cluster = new ConcurrentHashMap<>();
  private final Map<String, CompiledPolicy> namespaced = new ConcurrentHashMap<>();
  private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());

  private record Snapshot(
      List<CompiledPolicy> cluster, Map<String, List<CompiledPolicy>> byNamespace) {}

  private PolicyCache(KubernetesClient client) {
    clusterInformer = client.resources(ClusterImagePolicy.class).runnableInformer(0);
    namespacedInformer = client.resources(ImagePolicy.class).inAnyNamespace().runnableInformer(0);
    clusterInformer.addEventHandler(
        handler(cluster, p -> p.getMetadata().getName(), CompiledPolicy::compile));
    namespacedInformer.addEventHandler(
        handler(
            namespaced,
            p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
            CompiledPolicy::compile));
  }

  /** Starts the informers and waits for their first lists. */
  public static PolicyCache start(KubernetesClient client, Duration timeout)
      throws TimeoutException {
    PolicyCache cache = new PolicyCache(client);
    try {
      CompletableFuture.allOf(
              cache.clusterInformer.start().toCompletableFuture(),
              cache.namespacedInformer.start().toCompletableFuture())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      cache.close();
      throw new TimeoutException(
          "the policy caches did not fill within "
              + timeout
              + "; are the tonnage.dev CRDs installed (crds/) and may the operator list and watch"
              + " imagepolicies and clusterimagepolicies?");
    } catch (Exception e) {
      cache.close();
      throw new IllegalStateException(
          "cannot watch tonnage.dev policies; are the CRDs installed (crds/)? " + e.getCause(), e);
    }
    return cache;
  }

  public boolean synced() {
    return clusterInformer.hasSynced() && namespacedInformer.hasSynced();
  }

  @Override
  public List<CompiledPolicy> policiesFor(String namespace) {
    Snapshot current = snapshot;
    List<CompiledPolicy> own = current.byNamespace().getOrDefault(namespace, List.of());
    if (own.isEmpty()) {
      return current.cluster();
    }
    List<CompiledPolicy> all = new ArrayList<>(current.cluster());
    all.addAll(own);
    return all;
  }

  @Override
  public void close() {
    clusterInformer.close();
    namespacedInformer.close();
  }

  private <T> ResourceEventHandler<T> handler(
      Map<String, CompiledPolicy> into,
      Function<T, String> key,
      Function<T, CompiledPolicy> compile) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T policy) {
        put(policy);
      }

      @Override
      public void onUpdate(T old, T policy) {
        put(policy);
      }

      @Override
      public void onDelete(T policy, boolean unknownFinalState) {
        into.remove(key.apply(policy));
        rebuild();
      }

      private void put(T policy) {
        try {
          into.put(key.apply(policy), compile.apply(policy));
        } catch (InvalidPolicyException e) {
          into.remove(key.apply(policy));
          LOG.warn("policy {} is not in force: {}", key.apply(policy), e.getMessage());
        }
        rebuild();
      }
    };
  }

  private synchronized void rebuild() {
    List<CompiledPolicy> clusterPolicies = cluster.values().stream().sorted(ORDER).toList();
    Map<String, List<CompiledPolicy>> byNamespace = new java.util.HashMap<>();
    namespaced.values().stream()
        .sorted(ORDER)
        .forEach(
            p -> byNamespace.computeIfAbsent(p.ref().namespace(), n -> new ArrayList<>()).add(p));
    byNamespace.replaceAll((n, list) -> List.copyOf(list));
    snapshot = new Snapshot(clusterPolicies, Map.copyOf(byNamespace));
  }
}
