package dev.tonnage.admission;

import io.fabric8.kubernetes.client.KubernetesClient;
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

  public WebhookRegistration(KubernetesClient client) {
    this.client = client;
  }

  /** Applies both configurations for {@code target}. */
  public void register(WebhookConfigurations.Target target) {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(WebhookConfigurations.mutating(target))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(WebhookConfigurations.validating(target))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    LOG.info(
        "registered webhooks {} and {} at {} (failurePolicy {})",
        WebhookConfigurations.VALIDATING_NAME,
        WebhookConfigurations.MUTATING_NAME,
        target.baseUrl(),
        target.failurePolicy().kubernetesName());
  }
}
