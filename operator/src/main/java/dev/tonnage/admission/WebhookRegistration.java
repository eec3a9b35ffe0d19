package dev.tonnage.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the webhook configurations for {@code --register-webhooks}, with server-side apply: every
 * replica applies the same content under one field manager, so concurrent registrations converge.
 *
 * <p>One owner per field: a configuration someone else created (the Helm chart, labelled {@code
 * app.kubernetes.io/managed-by: Helm}) is never applied over; only its caBundle is kept, by {@link
 * WebhookCaBundleKeeper}. The operator applies the whole configuration only where it is missing or
 * is the operator's own.
 */
public final class WebhookRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistration.class);
  static final String FIELD_MANAGER = "tonnage-operator";
  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  private final KubernetesClient client;
  private final WebhookConfigurations.Names names;

  /**
   * @param client the API server
   * @param names the two configurations this operator creates when they are missing
   */
  public WebhookRegistration(KubernetesClient client, WebhookConfigurations.Names names) {
    this.client = client;
    this.names = names;
  }

  /** Applies both configurations for {@code target}, leaving out one whose name is empty. */
  public void register(WebhookConfigurations.Target target) {
    List<String> applied = new ArrayList<>();
    List<String> leftAlone = new ArrayList<>();
    if (!names.mutating().isEmpty()) {
      applyUnlessForeign(
          client
              .admissionRegistration()
              .v1()
              .mutatingWebhookConfigurations()
              .resource(WebhookConfigurations.mutating(names.mutating(), target)),
          names.mutating(),
          applied,
          leftAlone);
    }
    if (!names.validating().isEmpty()) {
      applyUnlessForeign(
          client
              .admissionRegistration()
              .v1()
              .validatingWebhookConfigurations()
              .resource(WebhookConfigurations.validating(names.validating(), target)),
          names.validating(),
          applied,
          leftAlone);
    }
    if (!applied.isEmpty()) {
      LOG.info(
          "registered webhook configurations {} at {} (failurePolicy {})",
          String.join(" and ", applied),
          target.baseUrl(),
          target.failurePolicy().kubernetesName());
    }
    if (!leftAlone.isEmpty()) {
      LOG.info(
          "webhook configurations {} exist and are managed by {}: the operator keeps only their"
              + " caBundle",
          String.join(" and ", leftAlone),
          "their installer");
    }
  }

  private static <T extends HasMetadata> void applyUnlessForeign(
      Resource<T> resource, String name, List<String> applied, List<String> leftAlone) {
    T existing = resource.get();
    if (existing != null && !isOwn(existing)) {
      leftAlone.add(name);
      return;
    }
    // forceConflicts: the operator's own object, where a field taken by hand is taken back.
    resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    applied.add(name);
  }

  /**
   * The operator's own: labelled as such, or created by an earlier operator that set no {@code
   * managed-by} label; the chart's carry {@code managed-by: Helm}.
   */
  static boolean isOwn(HasMetadata configuration) {
    Map<String, String> labels = configuration.getMetadata().getLabels();
    String managedBy = labels == null ? null : labels.get(MANAGED_BY_LABEL);
    return managedBy == null || WebhookConfigurations.MANAGED_BY.equals(managedBy);
  }
}
