package dev.tonnage.operator;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tonnage.admission.PullSecrets;
import dev.tonnage.informers.InformerStart;
import dev.tonnage.operator.OperatorConfig.PullSecretAccess;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods' pull secrets, fetched by name with GET when a review names them, never listed or watched:
 * the operator holds only the Secrets Pods actually use, and RBAC needs nothing but {@code get}.
 * What was fetched (found or not) is kept for {@link #TTL} in a bounded cache keyed by namespace
 * and name, with the resourceVersion it was read at; a review waits at most {@link #FETCH_WAIT} for
 * a fetch, then goes on without the secret (the fetch still fills the cache for the next one). With
 * {@code --read-pull-secrets namespaced}, Secrets of other namespaces are never read, and the
 * operator says so once per namespace.
 */
public final class PullSecretReader implements PullSecrets, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PullSecretReader.class);

  static final String DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

  /** How long a fetched Secret or ServiceAccount is used before it is fetched again. */
  static final Duration TTL = Duration.ofMinutes(1);

  /** How long a review waits for one fetch. */
  static final Duration FETCH_WAIT = Duration.ofSeconds(2);

  /** Pull secrets a Pod and its ServiceAccount may name together; the rest are not read. */
  static final int MAX_SECRETS_PER_POD = 32;

  /** Threads that GET Secrets and ServiceAccounts. */
  static final int FETCH_THREADS = 2;

  /**
   * Fetches waiting for a thread. The names come from Pod specs, so a flood of distinct names must
   * not queue without end: past this, a review goes on without the secrets it could not queue.
   */
  static final int MAX_QUEUED_FETCHES = 1_024;

  /** Bytes of docker config JSON the cache holds at most (a Secret may be up to 1 MiB). */
  static final long MAX_CACHED_CHARS = 16L << 20;

  /** Namespaces whose refusals and skips are remembered, so each is logged once per hour. */
  private static final int MAX_NOTED = 1_000;

  private final KubernetesClient client;
  private final PullSecretAccess access;
  private final ExecutorService fetches;
  private final AsyncLoadingCache<ObjectKey, Fetched> secrets;
  private final AsyncLoadingCache<ObjectKey, List<String>> accountSecrets;
  private final Cache<String, Boolean> noted =
      Caffeine.newBuilder().maximumSize(MAX_NOTED).expireAfterWrite(Duration.ofHours(1)).build();

  PullSecretReader(KubernetesClient client, PullSecretAccess access) {
    this.client = client;
    this.access = access;
    this.fetches =
        new ThreadPoolExecutor(
            FETCH_THREADS,
            FETCH_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_FETCHES),
            r -> {
              Thread t = new Thread(r, "tonnage-pull-secrets");
              t.setDaemon(true);
              return t;
            });
    this.secrets =
        Caffeine.newBuilder()
            .executor(fetches)
            .expireAfterWrite(TTL)
            .maximumWeight(MAX_CACHED_CHARS)
            .weigher((ObjectKey key, Fetched value) -> value.weight())
            .buildAsync(this::fetchSecret);
    this.accountSecrets =
        Caffeine.newBuilder()
            .executor(fetches)
            .expireAfterWrite(TTL)
            .maximumSize(10_000)
            .buildAsync(this::fetchAccountSecrets);
  }

  /**
   * Checks with SelfSubjectAccessReviews that the operator may get what {@code access} asks for,
   * then reads on demand. A missing permission is one {@link IllegalStateException} naming the
   * permission and the flag to change.
   */
  public static PullSecretReader start(KubernetesClient client, PullSecretAccess access) {
    List<String> scopes = new ArrayList<>();
    switch (access.scope()) {
      case CLUSTER -> scopes.add(null);
      case NAMESPACED -> scopes.addAll(access.namespaces());
      case NONE -> {
        // Nothing read: the operator-wide --docker-config is all there is.
      }
    }
    for (String namespace : scopes) {
      for (String resource : List.of("secrets", "serviceaccounts")) {
        requireGet(client, namespace, resource);
      }
    }
    return new PullSecretReader(client, access);
  }

  /** The cached or queued fetch of {@code key}; null when the fetch queue is full. */
  private static <V> CompletableFuture<V> queued(
      AsyncLoadingCache<ObjectKey, V> cache, ObjectKey key) {
    try {
      return cache.get(key);
    } catch (RejectedExecutionException full) {
      LOG.debug("pull-secret fetch queue full; {} not read for this review", key);
      return null;
    }
  }

  @Override
  public List<String> dockerConfigs(
      String namespace, String serviceAccount, List<String> secretNames) {
    if (!reads(namespace)) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>(secretNames);
    if (serviceAccount != null && !serviceAccount.isEmpty()) {
      names.addAll(
          await(queued(accountSecrets, new ObjectKey(namespace, serviceAccount)), List.of()));
    }
    List<CompletableFuture<Fetched>> pending = new ArrayList<>();
    names.stream()
        .limit(MAX_SECRETS_PER_POD)
        .forEach(name -> pending.add(queued(secrets, new ObjectKey(namespace, name))));
    List<String> configs = new ArrayList<>();
    for (CompletableFuture<Fetched> fetch : pending) {
      await(fetch, Fetched.ABSENT).dockerConfigJson().ifPresent(configs::add);
    }
    return configs;
  }

  /** Whether Secrets of {@code namespace} are read; says once per namespace when not. */
  private boolean reads(String namespace) {
    return switch (access.scope()) {
      case CLUSTER -> true;
      case NONE -> false;
      case NAMESPACED -> {
        if (access.namespaces().contains(namespace)) {
          yield true;
        }
        noteOnce(
            "skip:" + namespace,
            () ->
                LOG.info(
                    "pull secrets of namespace {} are not read: --read-pull-secrets namespaced"
                        + " reads only {} (chart imagePullSecrets.namespaces); its images are"
                        + " measured with the operator-wide credentials (--docker-config)",
                    namespace,
                    access.namespaces()));
        yield false;
      }
    };
  }

  private <T> T await(CompletableFuture<T> fetch, T otherwise) {
    if (fetch == null) {
      return otherwise; // not queued
    }
    try {
      return fetch.get(FETCH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return otherwise;
    } catch (ExecutionException e) {
      return otherwise; // logged where it failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return otherwise;
    }
  }

  private Fetched fetchSecret(ObjectKey key) {
    Secret secret =
        get(
            key,
            "secret",
            () -> client.secrets().inNamespace(key.namespace()).withName(key.name()).get());
    if (secret == null) {
      return Fetched.ABSENT;
    }
    String resourceVersion = secret.getMetadata().getResourceVersion();
    if (!DOCKER_CONFIG_JSON_TYPE.equals(secret.getType())
        || secret.getData() == null
        || secret.getData().get(DOCKER_CONFIG_JSON_KEY) == null) {
      return new Fetched(resourceVersion, Optional.empty());
    }
    try {
      return new Fetched(
          resourceVersion,
          Optional.of(
              new String(
                  Base64.getDecoder().decode(secret.getData().get(DOCKER_CONFIG_JSON_KEY)),
                  StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      // Not base64: the API server would not store it; skip rather than fail the review.
      return new Fetched(resourceVersion, Optional.empty());
    }
  }

  private List<String> fetchAccountSecrets(ObjectKey key) {
    ServiceAccount account =
        get(
            key,
            "serviceaccount",
            () -> client.serviceAccounts().inNamespace(key.namespace()).withName(key.name()).get());
    List<String> names = new ArrayList<>();
    if (account != null && account.getImagePullSecrets() != null) {
      for (LocalObjectReference reference : account.getImagePullSecrets()) {
        if (reference.getName() != null && names.size() < MAX_SECRETS_PER_POD) {
          names.add(reference.getName());
        }
      }
    }
    return List.copyOf(names);
  }

  /**
   * One GET: null when the object does not exist or the operator may not read it (said once per
   * namespace); other failures throw, so that the cache keeps nothing and the next review retries.
   */
  private <T> T get(ObjectKey key, String kind, Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        noteOnce(
            "forbidden:" + kind + ":" + key.namespace(),
            () ->
                LOG.warn(
                    "the API server forbids the operator to get {} {} in namespace {}; its pull"
                        + " secrets are not used ({}): grant get on secrets and serviceaccounts"
                        + " there, or match --read-pull-secrets to the operator's RBAC",
                    kind,
                    key.name(),
                    key.namespace(),
                    InformerStart.reason(e)));
        return null;
      }
      noteOnce(
          "failed:" + key.namespace(),
          () ->
              LOG.warn(
                  "cannot get {} {} in namespace {}: {}",
                  kind,
                  key.name(),
                  key.namespace(),
                  InformerStart.reason(e)));
      throw e;
    }
  }

  private void noteOnce(String key, Runnable log) {
    if (noted.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
      log.run();
    }
  }

  private static void requireGet(KubernetesClient client, String namespace, String resource) {
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withVerb("get")
            .withResource(resource)
            .endResourceAttributes()
            .endSpec()
            .build();
    boolean allowed;
    try {
      SelfSubjectAccessReview answer =
          client.authorization().v1().selfSubjectAccessReview().create(review);
      allowed = answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "cannot ask the API server whether the operator may get "
              + resource
              + ": "
              + InformerStart.reason(e),
          e);
    }
    if (!allowed) {
      throw new IllegalStateException(
          namespace == null
              ? "the API server forbids the operator to get "
                  + resource
                  + " in every namespace: grant get on "
                  + resource
                  + " cluster-wide (the chart does with imagePullSecrets.read=cluster), or set"
                  + " --read-pull-secrets (env TONNAGE_READ_PULL_SECRETS) to namespaced or none"
              : "the API server forbids the operator to get "
                  + resource
                  + " in namespace "
                  + namespace
                  + ": grant get on "
                  + resource
                  + " there (the chart does for imagePullSecrets.namespaces), or leave it out of"
                  + " --pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES)");
    }
  }

  @Override
  public void close() {
    fetches.shutdownNow();
  }

  /** A Secret or ServiceAccount by namespace and name. */
  record ObjectKey(String namespace, String name) {}

  /**
   * What one GET found.
   *
   * @param resourceVersion the version read, null when the Secret does not exist (or is not ours to
   *     read)
   * @param dockerConfigJson its {@code .dockerconfigjson}, when it is a dockerconfigjson Secret
   */
  record Fetched(String resourceVersion, Optional<String> dockerConfigJson) {
    static final Fetched ABSENT = new Fetched(null, Optional.empty());

    int weight() {
      return 1 + dockerConfigJson.map(String::length).orElse(0);
    }
  }
}
