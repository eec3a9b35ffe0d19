package dev.tonnage.operator;

import dev.tonnage.admission.AdmissionExemptions;
import dev.tonnage.admission.AdmissionMetrics;
import dev.tonnage.admission.AdmissionReviewer;
import dev.tonnage.admission.AdmissionServer;
import dev.tonnage.admission.AdmissionSettings;
import dev.tonnage.admission.PolicyAdmissionDecider;
import dev.tonnage.admission.RegistryCredentialsResolver;
import dev.tonnage.admission.WebhookCaBundleKeeper;
import dev.tonnage.admission.WebhookConfigurations;
import dev.tonnage.admission.WebhookRegistration;
import dev.tonnage.audit.AuditExceptions;
import dev.tonnage.events.KubernetesEventWriter;
import dev.tonnage.facts.BackgroundSettler;
import dev.tonnage.facts.FactsService;
import dev.tonnage.metrics.Health;
import dev.tonnage.metrics.MetricsServer;
import dev.tonnage.metrics.ReadinessCheck;
import dev.tonnage.metrics.RegistryLabels;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.registry.CredentialHelpers;
import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryEventListener;
import dev.tonnage.reports.PolicyReportOptions;
import dev.tonnage.tls.CertificateSecret;
import dev.tonnage.tls.PemKeyMaterial;
import dev.tonnage.tls.ServingCertificate;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: wiring only. Starts, in order, metrics and health, the Kubernetes client,
 * the serving certificate, the caches, the webhook, then registers the webhooks (so the API server
 * never calls a webhook that is not listening). {@link #close()} undoes it in reverse: readiness
 * fails first, the webhook stops accepting and finishes what is in flight, then the rest closes.
 */
public final class OperatorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);
  private static final Duration CACHE_SYNC_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SELF_SIGNED_CHECK = Duration.ofHours(12);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private Health health;
  private AdmissionServer server;

  private OperatorRuntime() {}

  /** Starts everything; on failure closes what started and rethrows. */
  public static OperatorRuntime start(
      OperatorConfig config, AuditOptions audit, PolicyReportOptions reports) throws Exception {
    OperatorRuntime runtime = new OperatorRuntime();
    try {
      runtime.run(config, audit, reports);
      return runtime;
    } catch (Exception | Error e) {
      runtime.close();
      throw e;
    }
  }

  private void run(OperatorConfig config, AuditOptions audit, PolicyReportOptions reports)
      throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TonnageMetrics metrics = keep(new TonnageMetrics(meters));
    metrics.bindJvmMetrics();
    health = new Health();
    keep(new MetricsServer(config.metricsAddress(), config.metricsPort(), meters, health).start());

    KubernetesClient client = keep(client(config));
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tonnage-operator");
              t.setDaemon(true);
              return t;
            });
    keep(scheduler::shutdownNow);

    AtomicReference<String> caBundle = new AtomicReference<>();
    if (config.tls().selfSigned()) {
      CertificateSecret secret =
          new CertificateSecret(
              client,
              config.namespace(),
              config.tls().secretName(),
              config.registration().hostNames(config.namespace()),
              Clock.systemUTC());
      caBundle.set(writeSelfSigned(secret, config));
      scheduler.scheduleWithFixedDelay(
          () -> renewSelfSigned(secret, config, caBundle),
          SELF_SIGNED_CHECK.toMinutes(),
          SELF_SIGNED_CHECK.toMinutes(),
          TimeUnit.MINUTES);
    }
    ServingCertificate certificate =
        keep(new ServingCertificate(config.tls().certFile(), config.tls().keyFile()));
    certificate.startPolling(config.tls().reloadInterval());
    if (!config.tls().selfSigned()) {
      caBundle.set(caBundleOf(config, certificate.current()));
    }

    ClusterCaches caches = keep(ClusterCaches.start(client, CACHE_SYNC_TIMEOUT));
    PullSecretReader pullSecrets = keep(PullSecretReader.start(client, config.pullSecrets()));
    RegistryClient registryClient =
        keep(new RegistryClient(config.registry().clientConfig(), registryListener(metrics)));
    registryClient.caches().forEach(metrics::bindCache);
    Optional<RegistryCredentials> dockerConfig = config.registry().dockerConfigCredentials();
    // The kubelet's order: Pods' pull secrets (the resolver), then node and cloud credentials.
    RegistryCredentials operatorWide =
        RegistryCredentials.chain(
            dockerConfig
                .map(OperatorRuntime::withInstalledHelpers)
                .orElse(RegistryCredentials.anonymous()),
            config.registry().cloudCredentials(System.getenv()));
    RegistryCredentialsResolver credentials =
        new RegistryCredentialsResolver(pullSecrets, operatorWide);
    // Registries named by the configuration get their own metric label; others are "other".
    RegistryLabels registryLabels = metrics.registryLabels();
    config.registry().insecureRegistries().forEach(registryLabels::learn);
    registryClient.config().mirrors().forEach(mirror -> registryLabels.learn(mirror.host()));
    audit.registriesNamed().forEach(registryLabels::learn);
    dockerConfig
        .filter(DockerConfigCredentials.class::isInstance)
        .map(DockerConfigCredentials.class::cast)
        .ifPresent(docker -> docker.registries().forEach(registryLabels::learn));
    PolicyCache policies =
        keep(PolicyCache.start(client, CACHE_SYNC_TIMEOUT, registryLabels::learnFromPattern));
    health.addReadinessCheck(ReadinessCheck.of("policy-caches", policies::synced));
    ExceptionCache exceptions =
        keep(
            ExceptionCache.start(
                client,
                config.trustedExceptionNamespaces(),
                Clock.systemUTC(),
                CACHE_SYNC_TIMEOUT));
    health.addReadinessCheck(ReadinessCheck.of("exception-cache", exceptions::synced));
    health.addReadinessCheck(ReadinessCheck.of("cluster-caches", caches::synced));

    AdmissionMetrics admissionMetrics = new AdmissionMetrics(metrics);
    // One Event writer for admission and audit.
    KubernetesEventWriter events =
        keep(
            new KubernetesEventWriter(
                client, instanceName(), Clock.systemUTC(), metrics::eventDropped));
    AdmissionReviewer reviewer =
        new AdmissionReviewer(
            new AdmissionSettings(config.reviewBudget(), config.failurePolicy(), Clock.systemUTC()),
            new PolicyAdmissionDecider(
                policies,
                new FactsService(registryClient, Clock.systemUTC()),
                credentials,
                exceptions,
                new BackgroundSettler(
                    pod ->
                        (image, layer) ->
                            registryClient.streamUncompressedSize(
                                image,
                                layer,
                                InspectRequest.of(pod, BackgroundSettler.STREAM_TIMEOUT),
                                BackgroundSettler.MAX_BYTES_PER_REVIEW),
                    BackgroundSettler.MAX_BYTES_PER_REVIEW,
                    BackgroundSettler.MAX_IN_FLIGHT)),
            new AdmissionExemptions(config.allExemptNamespaces(), caches),
            caches,
            new AdmissionReviewer.Observers(events, admissionMetrics));
    server =
        new AdmissionServer(
            AdmissionServer.Options.webhooks(config.webhookAddress(), config.webhookPort()),
            certificate,
            reviewer);
    server.start();
    keep(server::stop);
    health.addReadinessCheck(server.readinessCheck());

    if (config.registration() != null) {
      // One owner per field: the installer (the chart, or the operator's own registration below
      // where it is missing) owns the configurations; the keeper owns only their caBundle.
      WebhookRegistration registration =
          new WebhookRegistration(client, config.registration().names());
      Runnable register =
          config.registration().createsConfigurations()
              ? () -> registration.register(target(config, caBundle.get()))
              : () -> {};
      register.run();
      WebhookCaBundleKeeper keeper =
          keep(
              new WebhookCaBundleKeeper(client, config.registration().names(), caBundle.get())
                  .start());
      keeper.bindMetrics(meters);
      health.addReadinessCheck(ReadinessCheck.of("webhook-ca-bundle", keeper::inSync));
      // Keep caBundle in step with what is served.
      certificate.onReload(
          material -> {
            if (!config.tls().selfSigned()) {
              caBundle.set(caBundleOf(config, material));
            }
            register.run();
            keeper.caBundleChanged(caBundle.get());
          });
    }
    // The audit: reconcilers on the Lease holder (see docs/audit.md).
    audit
        .start(
            new AuditOptions.Shared(
                client,
                registryClient,
                operatorWide,
                metrics,
                events,
                caches.namespaces(),
                reports.start(client),
                new AuditExceptions(
                    exceptions,
                    (policy, counts) -> exceptions.recordMatches(policy.toString(), counts))),
            config.namespace())
        .ifPresent(this::keep);
    health.started();
    LOG.info(
        "tonnage operator ready: webhook on port {}, namespace {}, exempt namespaces {},"
            + " exceptions trusted in {}",
        server.port(),
        config.namespace(),
        config.allExemptNamespaces(),
        config.trustedExceptionNamespaces());
  }

  /** The webhook's port, for tests that bind port 0. */
  public int webhookPort() {
    return server.port();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops in reverse order of start; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed.getCount() == 0) {
      return;
    }
    if (health != null) {
      health.beginShutdown();
    }
    LOG.info("tonnage operator stopping");
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        LOG.warn("error while stopping: {}", e.toString());
      }
    }
    closed.countDown();
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.push(resource);
    return resource;
  }

  /**
   * The operator runs the credential helpers its docker config names only when they are installed
   * (an image built on Tonnage's adds them to PATH); the others are named once here.
   */
  private static RegistryCredentials withInstalledHelpers(RegistryCredentials credentials) {
    if (!(credentials instanceof DockerConfigCredentials docker) || docker.helpers().isEmpty()) {
      return credentials;
    }
    CredentialHelpers helpers = CredentialHelpers.onPath(System.getenv("PATH"));
    List<String> missing =
        docker.helpers().stream().filter(name -> !helpers.isInstalled(name)).toList();
    if (!missing.isEmpty()) {
      LOG.warn(
          "the docker config names credential helpers that are not on PATH: {}; their registries"
              + " are measured with the config's auths entries only",
          missing);
    }
    if (missing.size() == docker.helpers().size()) {
      return docker;
    }
    return docker.withHelpers(helpers);
  }

  private static KubernetesClient client(OperatorConfig config) throws IOException {
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (config.kubeconfig() != null) {
      builder.withConfig(
          Config.fromKubeconfig(Files.readString(config.kubeconfig(), StandardCharsets.UTF_8)));
    }
    return builder.build();
  }

  private static String writeSelfSigned(CertificateSecret secret, OperatorConfig config) {
    CertificateSecret.Issued issued = secret.ensure();
    issued.serving().writeTo(config.tls().certFile(), config.tls().keyFile());
    return issued.caBundlePem();
  }

  /** Re-checks the Secret (another replica may have renewed it); the file poll does the rest. */
  private static void renewSelfSigned(
      CertificateSecret secret, OperatorConfig config, AtomicReference<String> caBundle) {
    try {
      caBundle.set(writeSelfSigned(secret, config));
    } catch (RuntimeException e) {
      LOG.warn("could not check the self-signed webhook certificate: {}", e.toString());
    }
  }

  private static String caBundleOf(OperatorConfig config, PemKeyMaterial serving) {
    if (config.tls().caBundleFile() != null) {
      try {
        return Files.readString(config.tls().caBundleFile(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --ca-bundle " + config.tls().caBundleFile() + ": " + e, e);
      }
    }
    return PemKeyMaterial.encodeCertificates(List.of(serving.root()));
  }

  private static WebhookConfigurations.Target target(OperatorConfig config, String caBundle) {
    return new WebhookConfigurations.Target(
        config.registration().url().toString(),
        caBundle,
        config.failurePolicy(),
        List.copyOf(config.allExemptNamespaces()));
  }

  /** Registry requests and rate limits into the shared metrics. */
  private static RegistryEventListener registryListener(TonnageMetrics metrics) {
    return new RegistryEventListener() {
      @Override
      public void requestCompleted(String registry, String method, int status, Duration duration) {
        metrics.registryRequest(registry, method, status, duration);
      }

      @Override
      public void rateLimitSeen(String registry, long limit, long remaining) {
        metrics.registryRateLimit(registry, limit, remaining);
      }

      @Override
      public void staleFactsServed(String registry) {
        metrics.registryStaleFactsServed(registry);
      }
    };
  }

  private static String instanceName() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "tonnage" : host;
  }
}
