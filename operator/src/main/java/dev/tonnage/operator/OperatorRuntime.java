package dev.tonnage.operator;

import dev.tonnage.admission.AdmissionExemptions;
import dev.tonnage.admission.AdmissionMetrics;
import dev.tonnage.admission.AdmissionReviewer;
import dev.tonnage.admission.AdmissionServer;
import dev.tonnage.admission.AdmissionSettings;
import dev.tonnage.admission.KubernetesEventRecorder;
import dev.tonnage.admission.PolicyAdmissionDecider;
import dev.tonnage.admission.RegistryCredentialsResolver;
import dev.tonnage.admission.WebhookConfigurations;
import dev.tonnage.admission.WebhookRegistration;
import dev.tonnage.audit.AuditOptions;
import dev.tonnage.facts.BackgroundSettler;
import dev.tonnage.facts.FactsService;
import dev.tonnage.metrics.Health;
import dev.tonnage.metrics.MetricsServer;
import dev.tonnage.metrics.ReadinessCheck;
import dev.tonnage.metrics.RegistryLabels;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryEventListener;
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
  public static OperatorRuntime start(OperatorConfig config, AuditOptions audit) throws Exception {
    OperatorRuntime runtime = new OperatorRuntime();
    try {
      runtime.run(config, audit);
      return runtime;
    } catch (Exception | Error e) {
      runtime.close();
      throw e;
    }
  }

  private void run(OperatorConfig config, AuditOptions audit) throws Exception {
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

    ClusterCaches caches =
        keep(ClusterCaches.start(client, config.pullSecrets(), CACHE_SYNC_TIMEOUT));
    RegistryClient registryClient =
        keep(new RegistryClient(config.registry().clientConfig(), registryListener(metrics)));
    RegistryCredentials operatorWide =
        config.registry().dockerConfigCredentials().orElse(RegistryCredentials.anonymous());
    RegistryCredentialsResolver credentials = new RegistryCredentialsResolver(caches, operatorWide);
    // Registries named by the configuration get their own metric label; others are "other".
    RegistryLabels registryLabels = metrics.registryLabels();
    config.registry().insecureRegistries().forEach(registryLabels::learn);
    audit.registriesNamed().forEach(registryLabels::learn);
    if (operatorWide instanceof DockerConfigCredentials docker) {
      docker.registries().forEach(registryLabels::learn);
    }
    PolicyCache policies =
        keep(PolicyCache.start(client, CACHE_SYNC_TIMEOUT, registryLabels::learnFromPattern));
    health.addReadinessCheck(ReadinessCheck.of("policy-caches", policies::synced));
    health.addReadinessCheck(ReadinessCheck.of("cluster-caches", caches::synced));

    AdmissionMetrics admissionMetrics = new AdmissionMetrics(metrics, meters);
    KubernetesEventRecorder events =
        keep(
            new KubernetesEventRecorder(
                client, admissionMetrics, instanceName(), Clock.systemUTC()));
    AdmissionReviewer reviewer =
        new AdmissionReviewer(
            new AdmissionSettings(config.reviewBudget(), config.failurePolicy(), Clock.systemUTC()),
            new PolicyAdmissionDecider(
                policies,
                new FactsService(registryClient, Clock.systemUTC()),
                credentials,
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
      WebhookRegistration registration =
          new WebhookRegistration(client, config.registration().names());
      Runnable publish =
          config.registration().createsConfigurations()
              ? () -> registration.register(target(config, caBundle.get()))
              : () -> registration.updateCaBundle(caBundle.get());
      publish.run();
      // Keep caBundle in step with what is served; applying unchanged content is a no-op.
      certificate.onReload(
          material -> {
            if (!config.tls().selfSigned()) {
              caBundle.set(caBundleOf(config, material));
            }
            publish.run();
          });
    }
    // The audit: reconcilers on the Lease holder (see docs/audit.md).
    audit
        .start(client, registryClient, operatorWide, metrics, config.namespace())
        .ifPresent(this::keep);
    health.started();
    LOG.info(
        "tonnage operator ready: webhook on port {}, namespace {}, exempt namespaces {}",
        server.port(),
        config.namespace(),
        config.allExemptNamespaces());
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
    };
  }

  private static String instanceName() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "tonnage" : host;
  }
}
