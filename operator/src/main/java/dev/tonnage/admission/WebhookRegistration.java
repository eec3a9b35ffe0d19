package dev.tonnage.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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

  /** Applies both configurations for {@code target}, leaving out one whose name is empty. */
  public void register(WebhookConfigurations.Target target) {
    if (!names.mutating().isEmpty()) {
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .resource(WebhookConfigurations.mutating(names.mutating(), target))
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
    if (!names.validating().isEmpty()) {
      client
          .admissionRegistration()
          .v1()
          .validatingWebhookConfigurations()
          .resource(WebhookConfigurations.validating(names.validating(), target))
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
    LOG.info(
        "registered webhook configurations {} at {} (failurePolicy {})",
        described(),
        target.baseUrl(),
        target.failurePolicy().kubernetesName());
  }

  /**
   * Sets the caBundle of every webhook in the two configurations that someone else created (the
   * Helm chart, with a Service as client): the operator keeps only the CA in step with the
   * self-signed certificate it serves. A configuration that does not exist, or whose name is empty,
   * is left alone.
   */
  public void updateCaBundle(String caBundlePem) {
    String caBundle =
        Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII));
    if (!names.validating().isEmpty()) {
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
    }
    if (!names.mutating().isEmpty()) {
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
    }
    LOG.info("set the caBundle of webhook configurations {}", described());
  }

  private String described() {
    List<String> named = new ArrayList<>();
    if (!names.validating().isEmpty()) {
      named.add(names.validating());
    }
    if (!names.mutating().isEmpty()) {
      named.add(names.mutating());
    }
    return named.isEmpty() ? "(none configured)" : String.join(" and ", named);
  }
}
