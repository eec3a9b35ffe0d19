package dev.tonnage.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code caBundle} of the two named webhook configurations equal to the CA the operator
 * serves with, as cert-manager's cainjector does: it watches those two objects only (a {@code
 * metadata.name} field selector) and, when one is created, replaced or emptied, patches only {@code
 * webhooks[*].clientConfig.caBundle} under its own field manager. Every other field belongs to
 * whoever created the configuration (the Helm chart, or {@link WebhookRegistration}).
 */
public final class WebhookCaBundleKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookCaBundleKeeper.class);

  /** The field manager of the caBundle patches: its own, so it owns caBundle and nothing else. */
  public static final String FIELD_MANAGER = "tonnage-cabundle";

  /** The gauge that says whether the API server trusts the served certificate. */
  public static final String IN_SYNC_METRIC = "tonnage_webhook_ca_bundle_in_sync";

  /** Re-checks every configuration this often, so a failed patch is retried. */
  private static final long RESYNC_MILLIS = 30_000;

  private final KubernetesClient client;
  private final List<Watched<?>> watched = new ArrayList<>();
  private volatile String caBundle;

  /**
   * @param client the API server
   * @param names the configurations to keep; an empty name is left alone
   * @param caBundlePem the PEM certificates the API server must trust
   */
  public WebhookCaBundleKeeper(
      KubernetesClient client, WebhookConfigurations.Names names, String caBundlePem) {
    this.client = client;
    this.caBundle = encode(caBundlePem);
    if (!names.validating().isEmpty()) {
      watched.add(
          new Watched<>(
              "ValidatingWebhookConfiguration",
              names.validating(),
              client
                  .admissionRegistration()
                  .v1()
                  .validatingWebhookConfigurations()
                  .withName(names.validating()),
              c ->
                  c.getWebhooks().stream()
                      .map(h -> new Hook(h.getName(), h.getClientConfig()))
                      .toList()));
    }
    if (!names.mutating().isEmpty()) {
      watched.add(
          new Watched<>(
              "MutatingWebhookConfiguration",
              names.mutating(),
              client
                  .admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName(names.mutating()),
              c ->
                  c.getWebhooks().stream()
                      .map(h -> new Hook(h.getName(), h.getClientConfig()))
                      .toList()));
    }
  }

  /** Starts the watches (blocking for their first list) and sets what differs. */
  public WebhookCaBundleKeeper start() {
    try {
      for (Watched<?> w : watched) {
        w.start();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  /** A new CA (a renewed or reloaded certificate): sets it wherever it differs. */
  public void caBundleChanged(String caBundlePem) {
    String encoded = encode(caBundlePem);
    if (!encoded.equals(caBundle)) {
      caBundle = encoded;
      watched.forEach(Watched::recheck);
    }
  }

  /** True when every watched configuration exists and trusts the served CA. */
  public boolean inSync() {
    return watched.stream().allMatch(w -> w.inSync.get());
  }

  /** One gauge series per watched configuration (at most two): 1 in sync, 0 not. */
  public void bindMetrics(MeterRegistry registry) {
    for (Watched<?> w : watched) {
      Gauge.builder(IN_SYNC_METRIC, w.inSync, b -> b.get() ? 1 : 0)
          .description(
              "1 when the webhook configuration exists and its caBundle trusts the certificate"
                  + " the webhook serves, else 0 (the API server cannot call the webhook)")
          .tag("configuration", w.name)
          .register(registry);
    }
  }

  @Override
  public void close() {
    watched.forEach(Watched::close);
  }

  private static String encode(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  /** One webhook of a configuration: its name and where the API server calls it. */
  private record Hook(String name, WebhookClientConfig clientConfig) {}

  /** One watched configuration: its informer, and whether its caBundle is right. */
  private final class Watched<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String kind;
    private final String name;
    private final Resource<T> resource;
    private final Function<T, List<Hook>> hooks;
    private final AtomicBoolean inSync = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private SharedIndexInformer<T> informer;

    Watched(String kind, String name, Resource<T> resource, Function<T, List<Hook>> hooks) {
      this.kind = kind;
      this.name = name;
      this.resource = resource;
      this.hooks = hooks;
    }

    void start() {
      try {
        informer = resource.inform(this, RESYNC_MILLIS);
      } catch (KubernetesClientException e) {
        throw new IllegalStateException(
            "cannot watch "
                + kind
                + " "
                + name
                + " (HTTP "
                + e.getCode()
                + "): the operator needs get, list, watch and patch on it, by name (the chart's"
                + " ClusterRole grants them; an older ClusterRole lacks list and watch)",
            e);
      }
      if (informer.getStore().list().isEmpty()) {
        LOG.warn(
            "{} {} does not exist: the API server does not call the webhook until it is created"
                + " (helm install, or --register-webhooks); its caBundle is set when it appears",
            kind,
            name);
      }
    }

    void recheck() {
      if (informer != null) {
        informer.getStore().list().forEach(this::reconcile);
      }
    }

    void close() {
      if (informer != null) {
        informer.close();
      }
    }

    @Override
    public void onAdd(T configuration) {
      reconcile(configuration);
    }

    @Override
    public void onUpdate(T previous, T configuration) {
      reconcile(configuration);
    }

    @Override
    public void onDelete(T configuration, boolean finalStateUnknown) {
      inSync.set(false);
      LOG.warn(
          "{} {} was deleted: the API server no longer calls the webhook; its caBundle is set"
              + " again when it is created",
          kind,
          name);
    }

    private synchronized void reconcile(T configuration) {
      String wanted = caBundle;
      List<Hook> seen = hooks.apply(configuration);
      List<Map<String, Object>> patch = new ArrayList<>();
      for (int i = 0; i < seen.size(); i++) {
        WebhookClientConfig clientConfig = seen.get(i).clientConfig();
        if (clientConfig == null || !Objects.equals(clientConfig.getCaBundle(), wanted)) {
          String at = "/webhooks/" + i;
          // The test pins the index to the webhook seen, so a concurrent reorder fails the patch.
          patch.add(Map.of("op", "test", "path", at + "/name", "value", seen.get(i).name()));
          patch.add(Map.of("op", "add", "path", at + "/clientConfig/caBundle", "value", wanted));
        }
      }
      if (patch.isEmpty()) {
        if (!inSync.getAndSet(true)) {
          LOG.info("{} {} trusts the webhook's CA", kind, name);
        }
        warned.set(false);
        return;
      }
      inSync.set(false);
      try {
        resource.patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.JSON)
                .withFieldManager(FIELD_MANAGER)
                .build(),
            client.getKubernetesSerialization().asJson(patch));
        LOG.info("set the caBundle of {} {} ({} webhooks)", kind, name, patch.size() / 2);
      } catch (KubernetesClientException e) {
        // Retried on the next event or resync; one WARN until it succeeds.
        if (!warned.getAndSet(true)) {
          LOG.warn(
              "could not set the caBundle of {} {} (HTTP {}: {}); the API server cannot call"
                  + " the webhook until it is set; retrying",
              kind,
              name,
              e.getCode(),
              e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
        }
      }
    }
  }
}
