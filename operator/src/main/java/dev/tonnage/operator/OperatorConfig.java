package dev.tonnage.operator;

import dev.tonnage.admission.FailurePolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    Registry registry) {

  /** The namespace of the control plane, never blocked. */
  public static final String KUBE_SYSTEM = "kube-system";

  public OperatorConfig {
    exemptNamespaces = Set.copyOf(exemptNamespaces);
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
   */
  public record Registration(URI url, String serviceName) {

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
   * How registries are reached.
   *
   * @param dockerConfig a docker config.json with operator-wide credentials, or null
   * @param insecureRegistries registries reached over plain HTTP
   * @param requestTimeout longest one registry HTTP exchange may take
   * @param tagTtl how long a tag's digest is trusted before a HEAD re-checks it
   * @param caFiles PEM CAs trusted for registries besides the system's
   */
  public record Registry(
      Path dockerConfig,
      List<String> insecureRegistries,
      List<Path> caFiles,
      Duration requestTimeout,
      Duration tagTtl) {
    public Registry {
      insecureRegistries = List.copyOf(insecureRegistries);
      caFiles = List.copyOf(caFiles);
      if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "--registry-timeout must be above 0; got " + requestTimeout);
      }
      if (tagTtl == null || tagTtl.isNegative()) {
        throw new IllegalArgumentException("--tag-ttl must not be negative; got " + tagTtl);
      }
    }
  }
}
