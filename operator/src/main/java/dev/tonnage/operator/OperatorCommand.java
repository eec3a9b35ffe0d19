package dev.tonnage.operator;

import dev.tonnage.admission.AdmissionSettings;
import dev.tonnage.admission.FailurePolicy;
import dev.tonnage.admission.WebhookConfigurations;
import dev.tonnage.reports.PolicyReportOptions;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code tonnage operator}: runs the admission webhook (and, as they land, the audit) until
 * SIGTERM. Every flag has an environment variable, for container specs.
 */
@Command(
    name = "operator",
    addMethodSubcommands = false,
    description =
        "Run the Tonnage operator: admission webhook, audit, metrics and health endpoints.",
    sortOptions = false)
public final class OperatorCommand implements Callable<Integer> {

  static final String SERVICE_ACCOUNT_NAMESPACE_FILE =
      "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

  /** The audit's flags and start-up. */
  @Mixin AuditOptions audit = new AuditOptions();

  @Mixin PolicyReportOptions reports = new PolicyReportOptions();

  /** How registries are reached, as for the CLI. */
  @Mixin RegistryFlags registry = new RegistryFlags();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--webhook-port",
      defaultValue = "${env:TONNAGE_WEBHOOK_PORT:-8443}",
      description =
          "HTTPS port of the admission webhook (env TONNAGE_WEBHOOK_PORT; ${DEFAULT-VALUE}).")
  int webhookPort;

  @Option(
      names = "--webhook-address",
      defaultValue = "${env:TONNAGE_WEBHOOK_ADDRESS:-0.0.0.0}",
      description = "Address the webhook binds (env TONNAGE_WEBHOOK_ADDRESS; ${DEFAULT-VALUE}).")
  String webhookAddress;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:TONNAGE_METRICS_PORT:-8080}",
      description =
          "Plain HTTP port of /metrics, /healthz and /readyz (env TONNAGE_METRICS_PORT;"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--metrics-address",
      defaultValue = "${env:TONNAGE_METRICS_ADDRESS:-0.0.0.0}",
      description =
          "Address the metrics server binds (env TONNAGE_METRICS_ADDRESS; ${DEFAULT-VALUE}).")
  String metricsAddress;

  @Option(
      names = "--tls-cert",
      defaultValue = "${env:TONNAGE_TLS_CERT}",
      paramLabel = "FILE",
      description =
          "PEM certificate chain of the webhook, leaf first; reloaded when it changes"
              + " (env TONNAGE_TLS_CERT).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      defaultValue = "${env:TONNAGE_TLS_KEY}",
      paramLabel = "FILE",
      description =
          "PEM private key (PKCS#1, SEC1 or PKCS#8, unencrypted) of --tls-cert (env"
              + " TONNAGE_TLS_KEY).")
  Path tlsKey;

  @Option(
      names = "--self-signed",
      defaultValue = "${env:TONNAGE_SELF_SIGNED:-false}",
      description =
          "Generate a CA and serving certificate, keep them in the Secret --cert-secret of"
              + " --namespace, and put the CA into the webhook configurations: those it registers"
              + " with --register-webhooks, else the existing ones named by"
              + " --validating-webhook-configuration and --mutating-webhook-configuration (env"
              + " TONNAGE_SELF_SIGNED).")
  boolean selfSigned;

  @Option(
      names = "--cert-secret",
      defaultValue = "${env:TONNAGE_CERT_SECRET:-tonnage-webhook-tls}",
      description = "Secret of the --self-signed pair (env TONNAGE_CERT_SECRET; ${DEFAULT-VALUE}).")
  String certSecret;

  @Option(
      names = "--cert-dir",
      defaultValue = "${env:TONNAGE_CERT_DIR}",
      paramLabel = "DIR",
      description =
          "Where --self-signed writes tls.crt and tls.key (env TONNAGE_CERT_DIR; default: a"
              + " directory under java.io.tmpdir).")
  Path certDir;

  @Option(
      names = "--ca-bundle",
      defaultValue = "${env:TONNAGE_CA_BUNDLE}",
      paramLabel = "FILE",
      description =
          "PEM CAs for the webhook configurations' caBundle (env TONNAGE_CA_BUNDLE; default: the"
              + " last certificate of --tls-cert).")
  Path caBundle;

  @Option(
      names = "--tls-reload-interval",
      defaultValue = "${env:TONNAGE_TLS_RELOAD_INTERVAL:-10s}",
      converter = DurationConverter.class,
      description =
          "How often the certificate files are checked for a new pair (env"
              + " TONNAGE_TLS_RELOAD_INTERVAL; ${DEFAULT-VALUE}).")
  Duration tlsReloadInterval;

  @Option(
      names = "--kubeconfig",
      defaultValue = "${env:TONNAGE_KUBECONFIG}",
      paramLabel = "FILE",
      description =
          "kubeconfig to reach the API server (env TONNAGE_KUBECONFIG; default: in-cluster, else"
              + " $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--namespace",
      defaultValue = "${env:TONNAGE_NAMESPACE}",
      description =
          "The operator's namespace: never blocked; holds the certificate Secret (env"
              + " TONNAGE_NAMESPACE; default: the Pod's namespace, else tonnage).")
  String namespace;

  @Option(
      names = "--register-webhooks",
      defaultValue = "${env:TONNAGE_REGISTER_WEBHOOKS}",
      paramLabel = "URL",
      description =
          "Create or update the webhook configurations named by"
              + " --validating-webhook-configuration and --mutating-webhook-configuration to call"
              + " this https URL (env TONNAGE_REGISTER_WEBHOOKS).")
  URI registerWebhooks;

  @Option(
      names = "--validating-webhook-configuration",
      defaultValue =
          "${env:TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION:-"
              + WebhookConfigurations.VALIDATING_NAME
              + "}",
      paramLabel = "NAME",
      description =
          "The ValidatingWebhookConfiguration --register-webhooks creates, or whose caBundle"
              + " --self-signed keeps in step; empty: none (env"
              + " TONNAGE_VALIDATING_WEBHOOK_CONFIGURATION; ${DEFAULT-VALUE}).")
  String validatingWebhookConfiguration;

  @Option(
      names = "--mutating-webhook-configuration",
      defaultValue =
          "${env:TONNAGE_MUTATING_WEBHOOK_CONFIGURATION:-"
              + WebhookConfigurations.MUTATING_NAME
              + "}",
      paramLabel = "NAME",
      description =
          "The MutatingWebhookConfiguration --register-webhooks creates, or whose caBundle"
              + " --self-signed keeps in step; empty: none (env"
              + " TONNAGE_MUTATING_WEBHOOK_CONFIGURATION; ${DEFAULT-VALUE}).")
  String mutatingWebhookConfiguration;

  @Option(
      names = "--webhook-service",
      defaultValue = "${env:TONNAGE_WEBHOOK_SERVICE:-tonnage}",
      description =
          "Service name the --self-signed certificate also covers (env TONNAGE_WEBHOOK_SERVICE;"
              + " ${DEFAULT-VALUE}).")
  String webhookService;

  @Option(
      names = "--failure-policy",
      defaultValue = "${env:TONNAGE_FAILURE_POLICY:-Ignore}",
      description =
          "failurePolicy of the validating webhook, also applied to Tonnage's own internal"
              + " errors: ${COMPLETION-CANDIDATES} (env TONNAGE_FAILURE_POLICY; ${DEFAULT-VALUE}).")
  FailurePolicy failurePolicy;

  @Option(
      names = "--review-budget",
      defaultValue = "${env:TONNAGE_REVIEW_BUDGET:-8s}",
      converter = DurationConverter.class,
      description =
          "How long a review waits for registry facts before onRegistryError decides (env"
              + " TONNAGE_REVIEW_BUDGET; ${DEFAULT-VALUE}).")
  Duration reviewBudget;

  @Option(
      names = "--exempt-namespace",
      split = ",",
      defaultValue = "${env:TONNAGE_EXEMPT_NAMESPACES:-}",
      description =
          "More namespaces never blocked, besides kube-system and --namespace (repeatable or"
              + " comma-separated; env TONNAGE_EXEMPT_NAMESPACES).")
  List<String> exemptNamespaces = new ArrayList<>();

  @Option(
      names = "--exception-namespace",
      split = ",",
      defaultValue = "${env:TONNAGE_EXCEPTION_NAMESPACES:-}",
      description =
          "A namespace whose ImagePolicyExceptions are honoured (repeatable or comma-separated;"
              + " env TONNAGE_EXCEPTION_NAMESPACES; default: --namespace). Exceptions elsewhere"
              + " waive nothing and say so in their status.")
  List<String> exceptionNamespaces = new ArrayList<>();

  @Option(
      names = "--read-pull-secrets",
      defaultValue = "${env:TONNAGE_READ_PULL_SECRETS:-cluster}",
      paramLabel = "cluster|namespaced|none",
      description =
          "Where Pods' imagePullSecrets and their ServiceAccounts' are read: in every namespace,"
              + " only in those of --pull-secret-namespace, or nowhere (--docker-config only);"
              + " match the operator's RBAC (env TONNAGE_READ_PULL_SECRETS; ${DEFAULT-VALUE}).")
  OperatorConfig.PullSecretScope readPullSecrets;

  @Option(
      names = "--pull-secret-namespace",
      split = ",",
      defaultValue = "${env:TONNAGE_PULL_SECRET_NAMESPACES:-}",
      paramLabel = "NAMESPACE",
      description =
          "A namespace whose pull secrets are read with --read-pull-secrets namespaced"
              + " (repeatable or comma-separated; env TONNAGE_PULL_SECRET_NAMESPACES).")
  List<String> pullSecretNamespaces = new ArrayList<>();

  @Option(
      names = "--verbose",
      defaultValue = "${env:TONNAGE_VERBOSE:-false}",
      description = "Log Tonnage's debug messages (env TONNAGE_VERBOSE).")
  boolean verbose;

  @Option(
      names = "--log-format",
      defaultValue = "${env:TONNAGE_LOG_FORMAT:-TEXT}",
      description =
          "text (one line per event) or json (one JSON object per line, for log pipelines)"
              + " (env TONNAGE_LOG_FORMAT; ${DEFAULT-VALUE}).")
  OperatorLogging.Format logFormat;

  @Option(
      names = "--log-level",
      defaultValue = "${env:TONNAGE_LOG_LEVEL:-INFO}",
      description =
          "Level of Tonnage's own messages: ERROR, WARN, INFO, DEBUG, TRACE; libraries log at"
              + " WARN (env TONNAGE_LOG_LEVEL; ${DEFAULT-VALUE}).")
  String logLevel;

  private static List<String> nonBlank(List<String> values) {
    return RegistryFlags.nonBlank(values);
  }

  /** Prefix of the environment variables the operator's flags read. */
  public static final String ENV_PREFIX = "TONNAGE_";

  private static final String ENV_DEFAULT_START = "${env:";

  @Override
  public Integer call() throws Exception {
    OperatorLogging.configure(logFormat, verbose ? "DEBUG" : logLevel);
    warnAboutUnreadEnvironment(System.getenv().keySet());
    OperatorConfig config = config();
    OperatorRuntime runtime;
    try {
      runtime = OperatorRuntime.start(config, audit, reports);
    } catch (KubernetesClientException e) {
      // One line with the cause (picocli's handler prints it), never fabric8's stack trace.
      throw new IllegalStateException(startFailure(e), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "tonnage-shutdown"));
    runtime.awaitClosed();
    return 0;
  }

  /** The checked configuration of the flags; throws {@link IllegalArgumentException} naming one. */
  OperatorConfig config() {
    String ns = namespace != null && !namespace.isBlank() ? namespace : podNamespace();
    OperatorConfig.Tls tls;
    if (selfSigned) {
      if (tlsCert != null || tlsKey != null) {
        throw new IllegalArgumentException(
            "--self-signed generates the certificate: leave out --tls-cert and --tls-key");
      }
      Path dir =
          certDir != null
              ? certDir
              : Path.of(System.getProperty("java.io.tmpdir"), "tonnage-webhook-certs");
      tls =
          new OperatorConfig.Tls(
              dir.resolve("tls.crt"),
              dir.resolve("tls.key"),
              null,
              true,
              certSecret,
              tlsReloadInterval);
    } else {
      if (tlsCert == null || tlsKey == null) {
        throw new IllegalArgumentException(
            "the webhook needs a certificate: give --tls-cert and --tls-key, or --self-signed");
      }
      tls = new OperatorConfig.Tls(tlsCert, tlsKey, caBundle, false, certSecret, tlsReloadInterval);
    }
    WebhookConfigurations.Names names =
        new WebhookConfigurations.Names(
            validatingWebhookConfiguration.trim(), mutatingWebhookConfiguration.trim());
    OperatorConfig.Registration registration = null;
    if (registerWebhooks != null) {
      if (!"https".equals(registerWebhooks.getScheme()) || registerWebhooks.getHost() == null) {
        throw new IllegalArgumentException(
            "--register-webhooks must be an https URL with a host, e.g. https://10.0.0.5:8443;"
                + " got "
                + registerWebhooks);
      }
      registration = new OperatorConfig.Registration(registerWebhooks, webhookService, names);
    } else if (selfSigned) {
      // In a cluster the chart creates the configurations; the operator keeps their caBundle.
      registration = new OperatorConfig.Registration(null, webhookService, names);
    }
    return new OperatorConfig(
        webhookAddress,
        webhookPort,
        metricsAddress,
        metricsPort,
        tls,
        kubeconfig,
        ns,
        registration,
        reviewBudget == null ? AdmissionSettings.DEFAULT_BUDGET : reviewBudget,
        failurePolicy,
        Set.copyOf(nonBlank(exemptNamespaces)),
        registry.settings(),
        new OperatorConfig.PullSecretAccess(readPullSecrets, nonBlank(pullSecretNamespaces)),
        Set.copyOf(nonBlank(exceptionNamespaces)));
  }

  /**
   * The {@code TONNAGE_*} environment variables the operator reads, each with the flag that reads
   * it: taken from the flags' defaults ({@code ${env:TONNAGE_...}}), so it cannot drift from them.
   */
  public static Map<String, String> environmentVariables() {
    Map<String, String> variables = new TreeMap<>();
    for (OptionSpec option : new CommandLine(new OperatorCommand()).getCommandSpec().options()) {
      String raw = option.defaultValueString(false);
      if (raw != null && raw.startsWith(ENV_DEFAULT_START)) {
        int end = raw.indexOf(':', ENV_DEFAULT_START.length());
        if (end < 0) {
          end = raw.indexOf('}');
        }
        variables.put(raw.substring(ENV_DEFAULT_START.length(), end), option.longestName());
      }
    }
    return variables;
  }

  /** A misspelt or outdated TONNAGE_* variable would otherwise be ignored without a word. */
  private static void warnAboutUnreadEnvironment(Set<String> environment) {
    Set<String> read = environmentVariables().keySet();
    List<String> unread =
        environment.stream()
            .filter(name -> name.startsWith(ENV_PREFIX) && !read.contains(name))
            .sorted()
            .toList();
    if (!unread.isEmpty()) {
      LoggerFactory.getLogger(OperatorCommand.class)
          .warn(
              "ignoring environment variables tonnage operator does not read: {} (see tonnage"
                  + " operator --help)",
              unread);
    }
  }

  /** fabric8's "Operation: [get] for kind: [Secret] ... failed." plus what actually went wrong. */
  static String startFailure(KubernetesClientException e) {
    String why;
    if (e.getStatus() != null && e.getCode() > 0) {
      why = "HTTP " + e.getCode() + ": " + e.getStatus().getMessage();
    } else {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      why = root == e ? "no answer" : root.toString();
    }
    return "cannot start: "
        + e.getMessage().strip()
        + " ("
        + why
        + "); check --kubeconfig (or the Pod's service account) and the operator's RBAC";
  }

  /** The namespace of the Pod the operator runs in, from its service account mount. */
  private static String podNamespace() {
    String fromEnv = System.getenv("POD_NAMESPACE");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      return Files.readString(Path.of(SERVICE_ACCOUNT_NAMESPACE_FILE)).trim();
    } catch (Exception e) {
      return "tonnage";
    }
  }
}
