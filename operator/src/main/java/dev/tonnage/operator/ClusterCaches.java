package dev.tonnage.operator;

import dev.tonnage.admission.NamespaceLabels;
import dev.tonnage.admission.PullSecrets;
import dev.tonnage.informers.InformerStart;
import dev.tonnage.informers.NamespaceInformer;
import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Informer-backed caches of what admission reads per review: namespace labels, and, where {@code
 * --read-pull-secrets} allows it, ServiceAccounts and pull secrets (only secrets of type {@code
 * kubernetes.io/dockerconfigjson} are listed and watched, by field selector): in every namespace,
 * in the listed namespaces, or none at all. Reviews read the caches; nothing calls the API server
 * on the request path.
 */
public final class ClusterCaches implements NamespaceLabels, PullSecrets, AutoCloseable {

  static final String DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

  private final NamespaceInformer namespaces;
  private final Scoped<ServiceAccount> serviceAccounts;
  private final Scoped<Secret> secrets;

  private ClusterCaches(
      NamespaceInformer namespaces,
      Scoped<ServiceAccount> serviceAccounts,
      Scoped<Secret> secrets) {
    this.namespaces = namespaces;
    this.serviceAccounts = serviceAccounts;
    this.secrets = secrets;
  }

  /**
   * Checks that the operator may list what {@code pullSecrets} asks for, starts the informers and
   * waits up to {@code timeout} for their first lists. A refusal of the API server is one {@link
   * IllegalStateException} naming the permission and the flag to change.
   */
  public static ClusterCaches start(
      KubernetesClient client, PullSecretAccess pullSecrets, Duration timeout)
      throws TimeoutException {
    List<Source> sources = sources(client, pullSecrets);
    // One small list per source first: a refusal becomes one message here, where an informer
    // would log it with a stack trace and stop.
    sources.forEach(Source::check);
    ClusterCaches caches =
        new ClusterCaches(
            new NamespaceInformer(client),
            Scoped.of(pullSecrets, ns -> serviceAccountsIn(client, ns)),
            Scoped.of(pullSecrets, ns -> secretsIn(client, ns)));
    List<CompletionStage<?>> started = new ArrayList<>();
    started.add(caches.namespaces.start());
    caches.serviceAccounts.informers().forEach(i -> started.add(i.start()));
    caches.secrets.informers().forEach(i -> started.add(i.start()));
    try {
      InformerStart.await(
          started,
          timeout,
          describe(sources),
          "check that the API server is reachable and that the operator may list and watch them");
    } catch (TimeoutException | RuntimeException e) {
      caches.close();
      throw e;
    }
    return caches;
  }

  /** The one Namespace watch, for the audit to share. */
  public NamespaceInformer namespaces() {
    return namespaces;
  }

  /** Whether every cache holds a complete list: the readiness of admission. */
  public boolean synced() {
    return namespaces.synced() && serviceAccounts.synced() && secrets.synced();
  }

  @Override
  public Map<String, String> labelsOf(String namespace) {
    return namespaces.labelsOf(namespace);
  }

  @Override
  public List<String> dockerConfigs(
      String namespace, String serviceAccount, List<String> secretNames) {
    if (secrets.informers().isEmpty()) {
      return List.of(); // --read-pull-secrets none
    }
    Set<String> names = new LinkedHashSet<>(secretNames);
    ServiceAccount account = serviceAccounts.get(namespace, serviceAccount);
    if (account != null && account.getImagePullSecrets() != null) {
      for (LocalObjectReference reference : account.getImagePullSecrets()) {
        if (reference.getName() != null) {
          names.add(reference.getName());
        }
      }
    }
    List<String> configs = new ArrayList<>();
    for (String name : names) {
      Secret secret = secrets.get(namespace, name);
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

  /** The ServiceAccounts of {@code namespace}, or of every namespace when it is null. */
  private static FilterWatchListDeletable<ServiceAccount, ?, ?> serviceAccountsIn(
      KubernetesClient client, String namespace) {
    return namespace == null
        ? client.serviceAccounts().inAnyNamespace()
        : client.serviceAccounts().inNamespace(namespace);
  }

  /** The dockerconfigjson Secrets of {@code namespace}, or of every namespace when it is null. */
  private static FilterWatchListDeletable<Secret, ?, ?> secretsIn(
      KubernetesClient client, String namespace) {
    return (namespace == null
            ? client.secrets().inAnyNamespace()
            : client.secrets().inNamespace(namespace))
        .withField("type", DOCKER_CONFIG_JSON_TYPE);
  }

  /** What the caches list, with what to change when the API server refuses it. */
  static List<Source> sources(KubernetesClient client, PullSecretAccess pullSecrets) {
    List<Source> sources = new ArrayList<>();
    sources.add(
        new Source(
            "namespaces",
            "cluster-wide",
            "grant get, list and watch on namespaces (the chart's ClusterRole does)",
            options -> client.namespaces().list(options)));
    List<String> scopes = new ArrayList<>();
    switch (pullSecrets.scope()) {
      case CLUSTER -> scopes.add(null);
      case NAMESPACED -> scopes.addAll(pullSecrets.namespaces());
      case NONE -> {
        // Nothing read: the operator-wide --docker-config is all there is.
      }
    }
    for (String namespace : scopes) {
      String where = namespace == null ? "in every namespace" : "in namespace " + namespace;
      String remedy =
          namespace == null
              ? "grant get, list and watch on %s cluster-wide (the chart does with"
                  + " imagePullSecrets.read=cluster), or set --read-pull-secrets (env"
                  + " TONNAGE_READ_PULL_SECRETS) to namespaced or none"
              : "grant get, list and watch on %s in namespace "
                  + namespace
                  + " (the chart does for imagePullSecrets.namespaces), or leave it out of"
                  + " --pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES)";
      sources.add(
          new Source(
              "serviceaccounts",
              where,
              remedy.formatted("serviceaccounts"),
              options -> serviceAccountsIn(client, namespace).list(options)));
      sources.add(
          new Source(
              "secrets",
              where,
              remedy.formatted("secrets"),
              options -> secretsIn(client, namespace).list(options)));
    }
    return List.copyOf(sources);
  }

  private static String describe(List<Source> sources) {
    Set<String> resources = new LinkedHashSet<>();
    sources.forEach(s -> resources.add(s.resource()));
    return String.join(", ", resources);
  }

  /**
   * One list the caches need.
   *
   * @param resource the plural resource name, as RBAC spells it
   * @param where the scope of the list, e.g. "in namespace shop"
   * @param remedy what to change when the API server refuses the list
   * @param list lists the resource with the given options
   */
  record Source(String resource, String where, String remedy, Consumer<ListOptions> list) {

    /** Lists one object; throws a one-line {@link IllegalStateException} when refused. */
    void check() {
      try {
        list.accept(new ListOptionsBuilder().withLimit(1L).build());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          throw new IllegalStateException(
              "the API server forbids the operator to list "
                  + resource
                  + " "
                  + where
                  + ": "
                  + remedy
                  + " ("
                  + InformerStart.reason(e)
                  + ")",
              e);
        }
        throw new IllegalStateException(
            "cannot list "
                + resource
                + " "
                + where
                + " to fill the caches: "
                + InformerStart.reason(e),
            e);
      }
    }
  }

  /** The informers of one kind: one over every namespace, one per listed namespace, or none. */
  private record Scoped<T extends HasMetadata>(
      SharedIndexInformer<T> everywhere, Map<String, SharedIndexInformer<T>> byNamespace) {

    static <T extends HasMetadata> Scoped<T> of(
        PullSecretAccess access, Function<String, FilterWatchListDeletable<T, ?, ?>> source) {
      Map<String, SharedIndexInformer<T>> byNamespace = new LinkedHashMap<>();
      SharedIndexInformer<T> everywhere = null;
      switch (access.scope()) {
        case CLUSTER -> everywhere = source.apply(null).runnableInformer(0);
        case NAMESPACED ->
            access
                .namespaces()
                .forEach(ns -> byNamespace.put(ns, source.apply(ns).runnableInformer(0)));
        case NONE -> {
          // no informer
        }
      }
      return new Scoped<>(everywhere, byNamespace);
    }

    List<SharedIndexInformer<T>> informers() {
      List<SharedIndexInformer<T>> all = new ArrayList<>(byNamespace.values());
      if (everywhere != null) {
        all.add(everywhere);
      }
      return all;
    }

    T get(String namespace, String name) {
      SharedIndexInformer<T> informer =
          everywhere != null ? everywhere : byNamespace.get(namespace);
      return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    }

    boolean synced() {
      return informers().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    void close() {
      informers().forEach(SharedIndexInformer::close);
    }
  }
}
