package dev.tonnage.audit;

import dev.tonnage.events.EventWriter;
import dev.tonnage.facts.FactsService;
import dev.tonnage.facts.LayerSettler;
import dev.tonnage.informers.NamespaceInformer;
import dev.tonnage.registry.RegistryCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit half of {@code tonnage operator}: a JOSDK operator running the policy reconcilers on
 * the replica that holds the leader Lease (every replica serves the webhook; only one audits).
 * {@code OperatorCommand} starts it with one call and closes it on shutdown.
 */
public final class AuditOperator implements AutoCloseable {

  private final Operator operator;
  private final InformerClusterView cluster;
  private final NamespaceInformer ownNamespaces;
  private final ExecutorService fetchPool;
  private final AuditRuntime runtime;
  private final AuditLease lease;
  private final AuditMetrics metrics;

  private AuditOperator(Builder b) {
    // The operator shares admission's Namespace watch; alone (tests, benchmarks) the audit owns
    // one.
    this.ownNamespaces = b.namespaces == null ? new NamespaceInformer(b.client) : null;
    this.cluster =
        new InformerClusterView(
            b.client, b.namespaces == null ? ownNamespaces : b.namespaces, Duration.ofMinutes(2));
    AtomicInteger threads = new AtomicInteger();
    this.fetchPool =
        Executors.newFixedThreadPool(
            b.settings.fetchConcurrency(),
            r -> {
              Thread t = new Thread(r, "tonnage-audit-fetch-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ImageMeasurer measurer =
        new ImageMeasurer(
            new ImageMeasurer.Source(b.facts, b.credentials, b.settings.fetchTimeout()),
            RegistryBudget.parse(b.settings.registryRateLimits()),
            fetchPool,
            b.streaming);
    PolicyAuditor auditor =
        new PolicyAuditor(
            cluster,
            measurer,
            new PolicyAuditor.AuditRecorders(
                b.events, new AuditMetricsLedger(b.metrics), b.results),
            b.clock,
            b.exceptions);
    this.runtime =
        new AuditRuntime(
            auditor,
            cluster,
            b.settings,
            b.clock,
            new AtomicLong(),
            new AtomicBoolean(b.leaseName == null));
    this.metrics = b.metrics;
    this.lease =
        b.leaseName == null
            ? null
            : new AuditLease(
                b.client,
                b.leaseNamespace,
                b.leaseName,
                b.identity,
                b.leaseTiming,
                new AuditLease.Listener() {
                  @Override
                  public void leading(boolean leading) {
                    runtime.leading().set(leading);
                    metrics.leader(leading);
                  }

                  @Override
                  public void failed() {
                    metrics.leaseFailed();
                  }
                },
                b.clock);
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(b.client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(b.serverSideApply)
                  // Audits of different policies may run side by side; fetches stay bounded by
                  // the fetch pool and the registry budget.
                  .withConcurrentReconciliationThreads(2);
              if (b.josdkMetrics != null) {
                o.withMetrics(b.josdkMetrics);
              }
            });
    operator.register(new ClusterImagePolicyReconciler(runtime));
    operator.register(new ImagePolicyReconciler(runtime));
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /**
   * Starts the controllers and, with leader election, enters the election: the reconcilers audit
   * only while this replica holds the Lease, and it keeps competing for the Lease after losing it.
   */
  public AuditOperator start() {
    operator.start();
    if (lease == null) {
      metrics.leader(true);
    } else {
      lease.start();
    }
    return this;
  }

  /** Whether this replica audits now: it holds the Lease, or runs without leader election. */
  public boolean leading() {
    return runtime.leading().get();
  }

  /** Status patches made so far (for the benchmark and tests). */
  public long statusWrites() {
    return runtime.statusWrites().get();
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    operator.stop();
    cluster.close();
    if (ownNamespaces != null) {
      ownNamespaces.close();
    }
    fetchPool.shutdownNow();
  }

  /** Collects the audit's collaborators; only the client and the facts service are required. */
  public static final class Builder {
    private final KubernetesClient client;
    private FactsService facts;
    private RegistryCredentials credentials = RegistryCredentials.anonymous();
    private AuditMetrics metrics = AuditMetrics.NONE;
    private EventWriter events = EventWriter.NONE;
    private NamespaceInformer namespaces;
    private AuditSettings settings = AuditSettings.defaults();
    private Clock clock = Clock.systemUTC();
    private String leaseName;
    private String leaseNamespace;
    private AuditLease.Timing leaseTiming = AuditLease.Timing.DEFAULT;
    private String identity = defaultIdentity();
    private boolean serverSideApply = true;
    private Metrics josdkMetrics;
    private ImageMeasurer.Streaming streaming = ImageMeasurer.Streaming.OFF;
    private AuditResults results = AuditResults.NONE;
    private AuditExceptions exceptions = AuditExceptions.NONE;

    /** Applies {@code auditExceptions}: waived workloads count as excepted, not as violations. */
    public Builder exceptions(AuditExceptions auditExceptions) {
      this.exceptions = Objects.requireNonNull(auditExceptions, "auditExceptions");
      return this;
    }

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Measures images through {@code service} with {@code registryCredentials}. */
    public Builder facts(FactsService service, RegistryCredentials registryCredentials) {
      this.facts = service;
      this.credentials = registryCredentials;
      return this;
    }

    public Builder metrics(AuditMetrics auditMetrics) {
      this.metrics = auditMetrics;
      return this;
    }

    /** Records the audit's Events through {@code writer}; without this call none are recorded. */
    public Builder events(EventWriter writer) {
      this.events = writer;
      return this;
    }

    /** Reads namespace labels from {@code informer}, e.g. the one admission reads too. */
    public Builder namespaces(NamespaceInformer informer) {
      this.namespaces = informer;
      return this;
    }

    public Builder settings(AuditSettings auditSettings) {
      this.settings = auditSettings;
      return this;
    }

    public Builder clock(Clock auditClock) {
      this.clock = auditClock;
      return this;
    }

    /**
     * Settles uncertain uncompressed sizes by streaming layers through {@code settler}, at most
     * {@code maxBytesPerAudit} compressed bytes per audit, each layer within {@code timeout};
     * without this call they stay uncertain.
     */
    public Builder layerStreaming(LayerSettler settler, long maxBytesPerAudit, Duration timeout) {
      this.streaming = new ImageMeasurer.Streaming(settler, maxBytesPerAudit, timeout);
      return this;
    }

    /** Where each audit's per-workload findings go besides the status (PolicyReports). */
    public Builder results(AuditResults auditResults) {
      this.results = auditResults;
      return this;
    }

    /** JOSDK's own reconciliation metrics, e.g. {@code TonnageMetrics.josdkMetrics()}. */
    public Builder josdkMetrics(Metrics metrics) {
      this.josdkMetrics = metrics;
      return this;
    }

    /**
     * Audits only while holding the Lease {@code namespace/name}; without this call every replica
     * audits (fine for one replica).
     */
    public Builder leaderElection(String name, String namespace) {
      this.leaseName = name;
      this.leaseNamespace = namespace;
      return this;
    }

    /** Lease timing other than the client-go defaults (15 s lease, 10 s renew, 2 s retry). */
    Builder leaseTiming(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
      this.leaseTiming = new AuditLease.Timing(leaseDuration, renewDeadline, retryPeriod);
      return this;
    }

    /** This replica's name in the Lease; defaults to the host name. */
    public Builder identity(String replicaIdentity) {
      this.identity = replicaIdentity;
      return this;
    }

    /**
     * Whether status patches use server-side apply (the default, and what a real API server gets);
     * off only for the fabric8 mock server, which has no server-side apply.
     */
    public Builder serverSideApply(boolean enabled) {
      this.serverSideApply = enabled;
      return this;
    }

    public AuditOperator build() {
      Objects.requireNonNull(facts, "facts: the audit needs the facts service");
      return new AuditOperator(this);
    }

    private static String defaultIdentity() {
      String pod = System.getenv("POD_NAME");
      if (pod != null && !pod.isBlank()) {
        return pod;
      }
      String host = System.getenv("HOSTNAME");
      return host != null && !host.isBlank() ? host : "tonnage-" + ProcessHandle.current().pid();
    }
  }
}
