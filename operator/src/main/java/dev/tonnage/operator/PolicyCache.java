package dev.tonnage.operator;

import dev.tonnage.admission.PolicySource;
import dev.tonnage.api.v1alpha1.BaseImageRules;
import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicySpec;
import dev.tonnage.informers.InformerStart;
import dev.tonnage.policy.CompiledPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, compiled once per change from informers on ClusterImagePolicy and
 * ImagePolicy; reviews read an immutable snapshot. Fail-closed: an edit that does not compile
 * leaves the last version that compiled in force (logged; the audit's status says why); a policy
 * that never compiled is not in force.
 */
public final class PolicyCache implements PolicySource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyCache.class);
  private static final Comparator<CompiledPolicy> ORDER =
      Comparator.comparing((CompiledPolicy p) -> p.ref().toString());

  private final SharedIndexInformer<ClusterImagePolicy> clusterInformer;
  private final SharedIndexInformer<ImagePolicy> namespacedInformer;
  private final CompiledPolicies cluster = new CompiledPolicies();
  private final CompiledPolicies namespaced = new CompiledPolicies();
  private final Consumer<String> patternSeen;
  private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());

  private record Snapshot(
      List<CompiledPolicy> cluster, Map<String, List<CompiledPolicy>> byNamespace) {}

  private PolicyCache(KubernetesClient client, Consumer<String> patternSeen) {
    this.patternSeen = patternSeen;
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
    return start(client, timeout, pattern -> {});
  }

  /**
   * As {@link #start(KubernetesClient, Duration)}, telling {@code patternSeen} every image pattern
   * the policies in force name (match, exclude and base images), e.g. to learn their registries.
   */
  public static PolicyCache start(
      KubernetesClient client, Duration timeout, Consumer<String> patternSeen)
      throws TimeoutException {
    PolicyCache cache = new PolicyCache(client, patternSeen);
    String remedy =
        "are the tonnage.dev CRDs installed (crds/) and may the operator list and watch"
            + " imagepolicies and clusterimagepolicies?";
    try {
      InformerStart.await(
          List.of(cache.clusterInformer.start(), cache.namespacedInformer.start()),
          timeout,
          "clusterimagepolicies, imagepolicies",
          remedy);
      // Handlers run asynchronously: wait until they compiled the first lists, so that the
      // policies are in force when start returns (and readiness passes).
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!cache.handledFirstLists()) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "the policies did not compile within " + timeout + "; " + remedy);
        }
        Thread.sleep(10);
      }
    } catch (TimeoutException | RuntimeException e) {
      cache.close();
      throw e;
    } catch (InterruptedException e) {
      cache.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the policy caches started", e);
    }
    return cache;
  }

  private boolean handledFirstLists() {
    return clusterInformer.getStore().list().stream()
            .allMatch(p -> cluster.handled(p.getMetadata().getName(), generationOf(p)))
        && namespacedInformer.getStore().list().stream()
            .allMatch(
                p ->
                    namespaced.handled(
                        p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                        generationOf(p)));
  }

  private static long generationOf(HasMetadata policy) {
    Long generation = policy.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
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

  private <T extends CustomResource<ImagePolicySpec, ?>> ResourceEventHandler<T> handler(
      CompiledPolicies into, Function<T, String> key, Function<T, CompiledPolicy> compile) {
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
        String name = key.apply(policy);
        long generation = generationOf(policy);
        CompiledPolicies.Outcome outcome =
            into.update(name, generation, () -> compile.apply(policy));
        if (outcome instanceof CompiledPolicies.Outcome.Unchanged) {
          return;
        }
        if (outcome instanceof CompiledPolicies.Outcome.Compiled) {
          announcePatterns(policy.getSpec());
        } else if (outcome instanceof CompiledPolicies.Outcome.KeptPrevious kept) {
          LOG.warn(
              "policy {} generation {} does not compile, generation {} stays in force: {}",
              name,
              generation,
              kept.inForceGeneration(),
              String.join("; ", kept.error().problems()));
        } else if (outcome instanceof CompiledPolicies.Outcome.NotInForce rejected) {
          LOG.warn(
              "policy {} is not in force: {}",
              name,
              String.join("; ", rejected.error().problems()));
        }
        rebuild();
      }
    };
  }

  private void announcePatterns(ImagePolicySpec spec) {
    if (spec == null) {
      return;
    }
    if (spec.getMatch() != null && spec.getMatch().getImages() != null) {
      spec.getMatch().getImages().forEach(patternSeen);
    }
    if (spec.getExclude() != null && spec.getExclude().getImages() != null) {
      spec.getExclude().getImages().forEach(patternSeen);
    }
    BaseImageRules bases = spec.getBaseImages();
    if (bases != null) {
      if (bases.getAllowed() != null) {
        bases.getAllowed().forEach(patternSeen);
      }
      if (bases.getDenied() != null) {
        bases.getDenied().forEach(patternSeen);
      }
    }
  }

  private synchronized void rebuild() {
    List<CompiledPolicy> clusterPolicies = cluster.inForce().stream().sorted(ORDER).toList();
    Map<String, List<CompiledPolicy>> byNamespace = new java.util.HashMap<>();
    namespaced.inForce().stream()
        .sorted(ORDER)
        .forEach(
            p -> byNamespace.computeIfAbsent(p.ref().namespace(), n -> new ArrayList<>()).add(p));
    byNamespace.replaceAll((n, list) -> List.copyOf(list));
    snapshot = new Snapshot(clusterPolicies, Map.copyOf(byNamespace));
  }
}
