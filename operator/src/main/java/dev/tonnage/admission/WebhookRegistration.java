package dev.tonnage.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates the webhook configurations with server-side apply: every replica applies the
 * same content under one field manager, so concurrent registrations converge instead of
 * conflicting, and a new caBundle replaces the old one in place.
 */
public final class WebhookRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistration.class);
  static final String FIELD_MANAGER = "tonnage-operator";

  private final KubernetesClient client;
  private final WebhookConfigurations.Names names;

  /**
   * @param client the API server
   * @param names the two configurations this operator owns or keeps the caBundle of
   */
  public WebhookRegistration(KubernetesClient client, WebhookConfigurations.Names names) {
    this.client = client;
    this.names = names;
  }

  /** Applies both configurations for {@code target}. */
  public void register(WebhookConfigurations.Target target) {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(WebhookConfigurations.mutating(names.mutating(), target))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(WebhookConfigurations.validating(names.validating(), target))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    LOG.info(
        "registered webhooks {} and {} at {} (failurePolicy {})",
        names.validating(),
        names.mutating(),
        target.baseUrl(),
        target.failurePolicy().kubernetesName());
  }

  /**
   * Sets the caBundle of every webhook in the two configurations that someone else created (the
   * Helm chart, with a Service as client): the operator keeps only the CA in step with the
   * self-signed certificate it serves. A configuration that does not exist is left alone.
   */
  public void updateCaBundle(String caBundlePem) {
    String caBundle =
        Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII));
    var validating =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(names.validating());
    if (validating.get() != null) {
      validating.edit(
          c -> {
            for (ValidatingWebhook webhook : c.getWebhooks()) {
              webhook.getClientConfig().setCaBundle(caBundle);
            }
            return c;
          });
    }
    var mutating =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(names.mutating());
    if (mutating.get() != null) {
      mutating.edit(
          c -> {
            for (MutatingWebhook webhook : c.getWebhooks()) {
              webhook.getClientConfig().setCaBundle(caBundle);
            }
            return c;
          });
    }
    LOG.info(
        "set the caBundle of webhook configurations {} and {}",
        names.validating(),
        names.mutating());
  }
}
