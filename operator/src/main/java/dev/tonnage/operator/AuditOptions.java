package dev.tonnage.operator;

import dev.tonnage.audit.AuditExceptions;
import dev.tonnage.audit.AuditOperator;
import dev.tonnage.audit.AuditResults;
import dev.tonnage.audit.AuditSettings;
import dev.tonnage.audit.RegistryBudget;
import dev.tonnage.audit.TonnageAuditMetrics;
import dev.tonnage.events.EventWriter;
import dev.tonnage.facts.FactsService;
import dev.tonnage.informers.NamespaceInformer;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The audit's flags of {@code tonnage operator} (a picocli mixin), and the one call that starts the
 * audit from them. Every flag has an environment variable, as the chart sets them.
 */
public final class AuditOptions {

  private static final Logger LOG = LoggerFactory.getLogger(AuditOptions.class);

  /** The compressed bytes one audit may stream to settle uncertain uncompressed sizes. */
  static final long STREAM_BYTES_PER_AUDIT = 1L << 30;

  /** How long streaming one layer may take. */
  static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

  @Option(
      names = "--audit",
      negatable = true,
      defaultValue = "${env:TONNAGE_AUDIT:-true}",
      fallbackValue = "true",
      description =
          "Audit what already runs and write policy statuses, Events and metrics (env"
              + " TONNAGE_AUDIT; ${DEFAULT-VALUE}).")
  boolean enabled;

  @Option(
      names = "--audit-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:TONNAGE_AUDIT_INTERVAL:-10m}",
      converter = DurationConverter.class,
      description =
          "Re-audit every policy this often, plus up to 10%% jitter (env TONNAGE_AUDIT_INTERVAL;"
              + " ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--audit-debounce",
      paramLabel = "DURATION",
      defaultValue = "${env:TONNAGE_AUDIT_DEBOUNCE:-10s}",
      converter = DurationConverter.class,
      description =
          "Collect Pod changes this long before the policies they touch re-audit (env"
              + " TONNAGE_AUDIT_DEBOUNCE; ${DEFAULT-VALUE}).")
  Duration debounce;

  @Option(
      names = "--registry-rate-limits",
      paramLabel = "HOST=RATE[,...]",
      defaultValue = "${env:TONNAGE_REGISTRY_RATE_LIMITS:-*=5}",
      description =
          "The audit's image fetches per second per registry, HOST=RATE,... with * for the"
              + " default (env TONNAGE_REGISTRY_RATE_LIMITS; ${DEFAULT-VALUE}).")
  String registryRateLimits;

  @Option(
      names = "--audit-concurrency",
      paramLabel = "N",
      defaultValue = "${env:TONNAGE_AUDIT_CONCURRENCY:-2}",
      description =
          "Image fetches the audit runs at once, over all registries (env"
              + " TONNAGE_AUDIT_CONCURRENCY; ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "${env:TONNAGE_LEADER_ELECTION:-true}",
      fallbackValue = "true",
      description =
          "Audit only on the replica holding the Lease; every replica serves the webhook (env"
              + " TONNAGE_LEADER_ELECTION; ${DEFAULT-VALUE}).")
  boolean leaderElection;

  @Option(
      names = "--lease-name",
      paramLabel = "NAME",
      defaultValue = "${env:TONNAGE_LEASE_NAME:-tonnage-audit}",
      description = "The Lease in --namespace (env TONNAGE_LEASE_NAME; ${DEFAULT-VALUE}).")
  String leaseName;

  /**
   * The registries {@code --registry-rate-limits} names, e.g. for metric labels; empty when the
   * flag is malformed (starting the audit reports that).
   */
  public Set<String> registriesNamed() {
    try {
      return RegistryBudget.parse(registryRateLimits).configuredRegistries();
    } catch (IllegalArgumentException e) {
      return Set.of();
    }
  }

  /** The settings these flags give; throws {@link IllegalArgumentException} naming a bad one. */
  public AuditSettings settings() {
    AuditSettings defaults = AuditSettings.defaults();
    return new AuditSettings(
        interval,
        defaults.jitter(),
        debounce,
        registryRateLimits,
        concurrency,
        defaults.fetchTimeout());
  }

  /**
   * Starts the audit unless {@code --no-audit}: the reconcilers of both policy kinds, on the Lease
   * holder in {@code namespace} when leader election is on, measuring through {@code registry} with
   * the operator-wide {@code credentials}, handing each audit's findings to the shared results. The
   * caller closes it on shutdown.
   */
  public Optional<AuditOperator> start(Shared shared, String namespace) {
    if (!enabled) {
      return Optional.empty();
    }
    KubernetesClient client = shared.client();
    RegistryClient registry = shared.registry();
    RegistryCredentials credentials = shared.credentials();
    TonnageMetrics metrics = shared.metrics();
    AuditSettings settings = settings();
    AuditOperator.Builder builder =
        AuditOperator.builder(client)
            .facts(new FactsService(registry, Clock.systemUTC()), credentials)
            .settings(settings)
            .events(shared.events())
            .namespaces(shared.namespaces())
            .metrics(new TonnageAuditMetrics(metrics, settings.interval(), Clock.systemUTC()))
            .josdkMetrics(metrics.josdkMetrics())
            .results(shared.results())
            .exceptions(shared.exceptions())
            .layerStreaming(
                (image, layer) ->
                    registry.streamUncompressedSize(
                        image,
                        layer,
                        InspectRequest.of(credentials, STREAM_TIMEOUT),
                        STREAM_BYTES_PER_AUDIT),
                STREAM_BYTES_PER_AUDIT,
                STREAM_TIMEOUT);
    if (leaderElection) {
      builder.leaderElection(leaseName, namespace);
    }
    AuditOperator audit = builder.build();
    try {
      return Optional.of(audit.start());
    } catch (RuntimeException e) {
      // The webhook must keep serving when the audit cannot run (missing CRDs or RBAC).
      LOG.error(
          "the audit could not start and is off until a restart; the webhook keeps serving."
              + " Check that the CRDs are installed and that the operator may watch Pods,"
              + " ReplicaSets, Jobs, Namespaces and the policies, patch their status and use its"
              + " Lease in {}: {}",
          namespace,
          e.toString());
      try {
        audit.close();
      } catch (RuntimeException closing) {
        LOG.debug("closing the audit that did not start failed too", closing);
      }
      return Optional.empty();
    }
  }

  /**
   * What the audit shares with the rest of the operator.
   *
   * @param client the Kubernetes client
   * @param registry measures images
   * @param credentials the operator-wide registry credentials
   * @param metrics the operator's metrics
   * @param events the one Event writer
   * @param namespaces the one Namespace watch
   * @param results receives each audit's per-workload findings (PolicyReports)
   * @param exceptions the trusted ImagePolicyExceptions the audits apply
   */
  public record Shared(
      KubernetesClient client,
      RegistryClient registry,
      RegistryCredentials credentials,
      TonnageMetrics metrics,
      EventWriter events,
      NamespaceInformer namespaces,
      AuditResults results,
      AuditExceptions exceptions) {}
}
