package dev.tonnage.operator;

import dev.tonnage.admission.FailurePolicy;
import dev.tonnage.admission.WebhookConfigurations;
import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.ProxySettings;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryMirror;
import dev.tonnage.registry.cloud.CloudIdentities;
import dev.tonnage.registry.cloud.CloudProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything {@code tonnage operator} runs with, checked: the flags, after defaults.
 *
 * @param webhookAddress the address the webhook binds
 * @param webhookPort the webhook's HTTPS port
 * @param metricsAddress the address of the metrics and health server
 * @param metricsPort the metrics and health port
 * @param tls where the serving certificate comes from
 * @param kubeconfig a kubeconfig file, or null for the in-cluster config (or $KUBECONFIG)
 * @param namespace the operator's own namespace: exempt from admission; holds the certificate
 *     secret
 * @param registration how the webhooks are registered, or null when something else registers them
 * @param reviewBudget how long a review may wait for registry facts
 * @param failurePolicy the webhooks' failurePolicy, also applied to Tonnage's own internal errors
 * @param exemptNamespaces namespaces never blocked besides kube-system and {@code namespace}
 * @param registry how registries are reached
 * @param pullSecrets where Pods' pull secrets (and their ServiceAccounts) are read
 * @param exceptionNamespaces namespaces whose ImagePolicyExceptions are honoured; empty: only
 *     {@code namespace}
 */
public record OperatorConfig(
    String webhookAddress,
    int webhookPort,
    String metricsAddress,
    int metricsPort,
    Tls tls,
    Path kubeconfig,
    String namespace,
    Registration registration,
    Duration reviewBudget,
    FailurePolicy failurePolicy,
    Set<String> exemptNamespaces,
    Registry registry,
    PullSecretAccess pullSecrets,
    Set<String> exceptionNamespaces) {

  /** The namespace of the control plane, never blocked. */
  public static final String KUBE_SYSTEM = "kube-system";

  public OperatorConfig {
    exemptNamespaces = Set.copyOf(exemptNamespaces);
    exceptionNamespaces = Set.copyOf(exceptionNamespaces);
    if (reviewBudget.compareTo(Duration.ofSeconds(9)) > 0
        || reviewBudget.isNegative()
        || reviewBudget.isZero()) {
      throw new IllegalArgumentException(
          "--review-budget must be above 0 and at most 9s, under the webhooks' 10 s timeout; got "
              + reviewBudget);
    }
    if (tls.selfSigned() && registration == null) {
      throw new IllegalArgumentException(
          "--self-signed needs --register-webhooks URL: only the operator knows its CA, so it must"
              + " put it into the webhook configurations itself");
    }
  }

  /** The namespaces whose exceptions are trusted: the configured ones, else the operator's. */
  public Set<String> trustedExceptionNamespaces() {
    return exceptionNamespaces.isEmpty() ? Set.of(namespace) : exceptionNamespaces;
  }

  /** kube-system, the operator's namespace and the configured ones. */
  public Set<String> allExemptNamespaces() {
    Set<String> all = new TreeSet<>(exemptNamespaces);
    all.add(KUBE_SYSTEM);
    all.add(namespace);
    return all;
  }

  /**
   * The serving certificate.
   *
   * @param certFile PEM certificate chain, leaf first
   * @param keyFile PEM private key
   * @param caBundleFile PEM CAs for the webhook configurations' caBundle; null: the last
   *     certificate of {@code certFile}
   * @param selfSigned generate and keep a CA and serving pair in a Secret, written to {@code
   *     certFile}/{@code keyFile}
   * @param secretName the Secret of the self-signed pair
   * @param reloadInterval how often the files are checked for a new pair
   */
  public record Tls(
      Path certFile,
      Path keyFile,
      Path caBundleFile,
      boolean selfSigned,
      String secretName,
      Duration reloadInterval) {}

  /**
   * Registration of the webhook configurations.
   *
   * @param url the webhook's https base URL the API server calls; null when the configurations are
   *     created by someone else (the Helm chart) and the operator only keeps their caBundle in step
   *     with its self-signed certificate
   * @param serviceName the Service in front of the webhook, for the self-signed certificate's names
   * @param names the two configurations created, or whose caBundle is kept in step
   */
  public record Registration(URI url, String serviceName, WebhookConfigurations.Names names) {

    /** True when the operator creates the configurations itself (--register-webhooks). */
    public boolean createsConfigurations() {
      return url != null;
    }

    /** The names the self-signed certificate must cover: the URL's host and the Service's. */
    public List<String> hostNames(String namespace) {
      List<String> names = new java.util.ArrayList<>();
      if (url != null) {
        names.add(url.getHost());
      }
      names.addAll(
          List.of(
              serviceName,
              serviceName + "." + namespace,
              serviceName + "." + namespace + ".svc",
              serviceName + "." + namespace + ".svc.cluster.local"));
      return List.copyOf(names);
    }
  }

  /**
   * How registries are reached: the one meaning of the registry flags ({@link RegistryFlags}), for
   * the operator and the CLI alike.
   *
   * @param dockerConfig a docker config.json, or a directory holding {@code config.json} or {@code
   *     .dockerconfigjson} (a mounted pull secret); null for none
   * @param insecureRegistries registries reached over plain HTTP
   * @param requestTimeout longest one registry HTTP exchange may take
   * @param tagTtl how long a tag's digest is trusted before a HEAD re-checks it
   * @param caFiles PEM CAs trusted for registries besides the system's
   * @param mirrors {@code --registry-mirror UPSTREAM=URL} values, in the order they are asked
   * @param staleIfError how long past the tag TTL last known facts are served while the registry is
   *     down or rate-limits
   * @param cloudIdentities the clouds whose workload identity yields registry credentials
   */
  public record Registry(
      Path dockerConfig,
      List<String> insecureRegistries,
      List<Path> caFiles,
      Duration requestTimeout,
      Duration tagTtl,
      List<String> mirrors,
      Duration staleIfError,
      Set<CloudProvider> cloudIdentities) {

    /**
     * Default of {@code --registry-timeout}, CLI and operator: a manifest, config or trailer
     * exchange that stalls longer on a healthy registry is better retried, and a review has only
     * its 8 s budget anyway; layer streams have their own, longer limit.
     */
    public static final String DEFAULT_REQUEST_TIMEOUT = "10s";

    /** Default of {@code --stale-if-error}: a registry outage of a day does not block deploys. */
    public static final String DEFAULT_STALE_IF_ERROR = "24h";

    /**
     * Default of {@code --cloud-identity}: every cloud Tonnage knows; each serves its own hosts.
     */
    public static final String DEFAULT_CLOUD_IDENTITIES = "aws,google,azure";

    /** Default of {@code --tag-ttl}. */
    public static final String DEFAULT_TAG_TTL = "5m";

    /** The files a {@code --docker-config} directory may hold, in the order they are looked for. */
    static final List<String> DOCKER_CONFIG_FILES = List.of("config.json", ".dockerconfigjson");

    public Registry {
      insecureRegistries = List.copyOf(insecureRegistries);
      caFiles = List.copyOf(caFiles);
      mirrors = List.copyOf(mirrors);
      cloudIdentities = Set.copyOf(cloudIdentities);
      if (staleIfError == null || staleIfError.isNegative()) {
        throw new IllegalArgumentException(
            "--stale-if-error must not be negative; got " + staleIfError);
      }
      if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "--registry-timeout must be above 0; got " + requestTimeout);
      }
      if (tagTtl == null || tagTtl.isNegative()) {
        throw new IllegalArgumentException("--tag-ttl must not be negative; got " + tagTtl);
      }
    }

    /** The registry client's configuration, with the proxies of the process environment. */
    public RegistryClientConfig clientConfig() {
      return clientConfig(System.getenv());
    }

    /**
     * The registry client's configuration, with the proxies of {@code environment} ({@code
     * HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY}); refuses a {@code --ca-file} that cannot
     * be read and a proxy variable that cannot be used.
     */
    public RegistryClientConfig clientConfig(Map<String, String> environment) {
      for (Path file : caFiles) {
        if (!Files.isReadable(file)) {
          throw new IllegalArgumentException("--ca-file " + file + " cannot be read");
        }
      }
      return RegistryClientConfig.builder()
          .insecureRegistries(Set.copyOf(insecureRegistries))
          .caBundles(caFiles)
          .requestTimeout(requestTimeout)
          .tagTtl(tagTtl)
          .mirrors(mirrors.stream().map(RegistryMirror::parse).toList())
          .staleIfError(staleIfError)
          .proxies(ProxySettings.fromEnvironment(environment))
          .build();
    }

    /**
     * The registry credentials of {@code --cloud-identity}, from the workload identities {@code
     * env} (the process environment) gives; each answers only for its cloud's registries.
     */
    public RegistryCredentials cloudCredentials(Map<String, String> env) {
      return CloudIdentities.of(cloudIdentities, env);
    }

    /**
     * The credentials of {@code --docker-config}: the file, or the first of {@code config.json} and
     * {@code .dockerconfigjson} in the directory; empty when none was given.
     */
    public Optional<RegistryCredentials> dockerConfigCredentials() throws IOException {
      if (dockerConfig == null) {
        return Optional.empty();
      }
      if (Files.isDirectory(dockerConfig)) {
        for (String name : DOCKER_CONFIG_FILES) {
          if (Files.isRegularFile(dockerConfig.resolve(name))) {
            return Optional.of(DockerConfigCredentials.fromFile(dockerConfig.resolve(name)));
          }
        }
        throw new IOException(
            "--docker-config " + dockerConfig + " holds no config.json or .dockerconfigjson");
      }
      return Optional.of(DockerConfigCredentials.fromFile(dockerConfig));
    }
  }

  /** Where the operator reads Secrets: {@code --read-pull-secrets}. */
  public enum PullSecretScope {
    /** Secrets (and ServiceAccounts) of any namespace, fetched by name when a Pod names them. */
    CLUSTER,
    /** Only those of the namespaces in {@code --pull-secret-namespace}. */
    NAMESPACED,
    /** None: Pods are measured with the operator-wide {@code --docker-config} only. */
    NONE
  }

  /**
   * Where Pods' pull secrets are read, as the chart's RBAC allows it.
   *
   * @param scope cluster-wide, in the listed namespaces, or nowhere
   * @param namespaces the namespaces of {@link PullSecretScope#NAMESPACED}; empty otherwise
   */
  public record PullSecretAccess(PullSecretScope scope, List<String> namespaces) {

    /**
     * Each listed namespace is one more Role and one more access check at start; past this many,
     * reading cluster-wide is the simpler choice.
     */
    public static final int MAX_NAMESPACES = 100;

    /** Longest namespace name Kubernetes accepts (a DNS label). */
    static final int MAX_NAMESPACE_LENGTH = 63;

    public PullSecretAccess {
      if (scope == null) {
        throw new IllegalArgumentException(
            "--read-pull-secrets must be cluster, namespaced or none");
      }
      namespaces = List.copyOf(new LinkedHashSet<>(namespaces));
      if (scope == PullSecretScope.NAMESPACED && namespaces.isEmpty()) {
        throw new IllegalArgumentException(
            "--read-pull-secrets namespaced needs the namespaces to read: give"
                + " --pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES), or use cluster"
                + " or none");
      }
      if (scope != PullSecretScope.NAMESPACED && !namespaces.isEmpty()) {
        throw new IllegalArgumentException(
            "--pull-secret-namespace (env TONNAGE_PULL_SECRET_NAMESPACES) applies only to"
                + " --read-pull-secrets namespaced, not "
                + scope.name().toLowerCase(Locale.ROOT)
                + ": leave it out or read namespaced");
      }
      if (namespaces.size() > MAX_NAMESPACES) {
        throw new IllegalArgumentException(
            "--pull-secret-namespace lists "
                + namespaces.size()
                + " namespaces, more than "
                + MAX_NAMESPACES
                + " (one Role each): use --read-pull-secrets cluster");
      }
      for (String namespace : namespaces) {
        requireNamespaceName(namespace);
      }
    }

    /** Lower-case letters, digits and '-', starting and ending alphanumeric, at most 63. */
    private static void requireNamespaceName(String namespace) {
      boolean valid = !namespace.isEmpty() && namespace.length() <= MAX_NAMESPACE_LENGTH;
      for (int i = 0; valid && i < namespace.length(); i++) {
        char c = namespace.charAt(i);
        boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        valid = alphanumeric || (c == '-' && i > 0 && i < namespace.length() - 1);
      }
      if (!valid) {
        throw new IllegalArgumentException(
            "--pull-secret-namespace must name namespaces (lower-case letters, digits and '-', at"
                + " most "
                + MAX_NAMESPACE_LENGTH
                + " characters); got '"
                + (namespace.length() > MAX_NAMESPACE_LENGTH
                    ? namespace.substring(0, MAX_NAMESPACE_LENGTH) + "..."
                    : namespace)
                + "'");
      }
    }
  }
}
