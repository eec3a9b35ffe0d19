package dev.tonnage.admission;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Validating- and MutatingWebhookConfiguration that send Tonnage its reviews, valid on
 * Kubernetes 1.20 and on current releases (no matchConditions).
 *
 * <p>Namespaces: the selector excludes the exempt namespaces by {@code
 * kubernetes.io/metadata.name}, which the API server sets on every namespace only from 1.21; on
 * 1.20 the NotIn matches every namespace (the label is absent) and the same exclusion made in code
 * ({@link AdmissionExemptions}) is what holds. Either way an exempt namespace is never blocked;
 * from 1.21 it is not even called. The opt-out label is excluded by the namespace and object
 * selectors too.
 */
public final class WebhookConfigurations {

  /**
   * The default name of the validating configuration ({@code --validating-webhook-configuration}).
   */
  public static final String VALIDATING_NAME = "tonnage-validating";

  /** The default name of the mutating configuration ({@code --mutating-webhook-configuration}). */
  public static final String MUTATING_NAME = "tonnage-mutating";

  /** The {@code app.kubernetes.io/managed-by} of the configurations the operator creates. */
  public static final String MANAGED_BY = "tonnage-operator";

  public static final String VALIDATING_WEBHOOK = "validate.tonnage.dev";
  public static final String MUTATING_WEBHOOK = "mutate.tonnage.dev";
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  static final int TIMEOUT_SECONDS = 10;

  /** Longest object name the API server accepts (a DNS subdomain). */
  static final int MAX_NAME_LENGTH = 253;

  private WebhookConfigurations() {}

  /**
   * The names of the two configurations: the chart derives them from its name, so the operator must
   * be told them to find the chart's objects. An empty name means that configuration does not exist
   * (the chart's webhook.enabled or webhook.mutating.enabled is false): it is neither registered
   * nor updated.
   *
   * @param validating the ValidatingWebhookConfiguration's name, or empty
   * @param mutating the MutatingWebhookConfiguration's name, or empty
   */
  public record Names(String validating, String mutating) {

    /** The operator's defaults, which the chart renders under its default name. */
    public static final Names DEFAULT = new Names(VALIDATING_NAME, MUTATING_NAME);

    public Names {
      requireObjectName("--validating-webhook-configuration", validating);
      requireObjectName("--mutating-webhook-configuration", mutating);
    }

    /** Empty, or lower-case letters, digits, '-' and '.', alphanumeric at both ends, <= 253. */
    private static void requireObjectName(String flag, String name) {
      if (name == null || name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            flag
                + " must be a name of at most "
                + MAX_NAME_LENGTH
                + " characters, or empty for none; got "
                + (name == null ? "nothing" : name.length() + " characters"));
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        boolean edge = i == 0 || i == name.length() - 1;
        if (!alphanumeric && (edge || (c != '-' && c != '.'))) {
          throw new IllegalArgumentException(
              flag
                  + " must be a Kubernetes object name (lower-case letters, digits, '-' and '.',"
                  + " starting and ending with a letter or digit); got '"
                  + name
                  + "'");
        }
      }
    }
  }

  /**
   * Where the API server calls and how.
   *
   * @param baseUrl the webhook's https URL without a path, e.g. {@code https://10.0.0.5:8443}
   * @param caBundlePem the PEM certificates the API server trusts for it
   * @param failurePolicy what the API server does when the call fails
   * @param exemptNamespaces namespaces never sent
   */
  public record Target(
      String baseUrl,
      String caBundlePem,
      FailurePolicy failurePolicy,
      List<String> exemptNamespaces) {

    public Target {
      if (!baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException(
            "the webhook URL must start with https:// (the API server calls webhooks over TLS"
                + " only), got "
                + baseUrl);
      }
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      exemptNamespaces = List.copyOf(new TreeSet<>(exemptNamespaces));
    }
  }

  /** The validating configuration named {@code name}, calling {@code target}. */
  public static ValidatingWebhookConfiguration validating(String name, Target target) {
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels())
        .endMetadata()
        .addNewWebhook()
        .withName(VALIDATING_WEBHOOK)
        .withClientConfig(clientConfig(target, AdmissionEndpoint.VALIDATE))
        .withRules(rules(true))
        .withFailurePolicy(target.failurePolicy().kubernetesName())
        .withMatchPolicy("Equivalent")
        .withSideEffects("NoneOnDryRun")
        .withAdmissionReviewVersions("v1")
        .withTimeoutSeconds(TIMEOUT_SECONDS)
        .withNamespaceSelector(namespaceSelector(target))
        .endWebhook()
        .build();
  }

  /** The mutating configuration named {@code name}, calling {@code target}. */
  public static MutatingWebhookConfiguration mutating(String name, Target target) {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels())
        .endMetadata()
        .addNewWebhook()
        .withName(MUTATING_WEBHOOK)
        .withClientConfig(clientConfig(target, AdmissionEndpoint.MUTATE))
        .withRules(rules(false))
        // Annotations only: a failed annotation must never block a workload.
        .withFailurePolicy(FailurePolicy.IGNORE.kubernetesName())
        .withMatchPolicy("Equivalent")
        .withSideEffects("None")
        .withAdmissionReviewVersions("v1")
        .withTimeoutSeconds(TIMEOUT_SECONDS)
        // Re-run after later mutators, which may change images; the patch is idempotent.
        .withReinvocationPolicy("IfNeeded")
        .withNamespaceSelector(namespaceSelector(target))
        .endWebhook()
        .build();
  }

  /** One rule per API group, for every kind Tonnage admits; pods/ephemeralcontainers validates. */
  static List<RuleWithOperations> rules(boolean withEphemeralContainers) {
    List<RuleWithOperations> rules = new ArrayList<>();
    for (String group : List.of("", "apps", "batch")) {
      List<String> resources = new ArrayList<>();
      for (WorkloadKind kind : WorkloadKind.values()) {
        if (kind.group().equals(group)) {
          resources.add(kind.resource());
        }
      }
      if (group.isEmpty() && withEphemeralContainers) {
        resources.add("pods/ephemeralcontainers");
      }
      rules.add(
          new RuleWithOperationsBuilder()
              .withApiGroups(group)
              // Every version: batch/v1beta1 CronJobs are the only ones on 1.20.
              .withApiVersions("*")
              .withResources(resources)
              .withOperations("CREATE", "UPDATE")
              .withScope("Namespaced")
              .build());
    }
    return rules;
  }

  private static WebhookClientConfig clientConfig(Target target, AdmissionEndpoint endpoint) {
    return new WebhookClientConfigBuilder()
        .withUrl(target.baseUrl() + endpoint.path())
        .withCaBundle(
            Base64.getEncoder()
                .encodeToString(target.caBundlePem().getBytes(StandardCharsets.US_ASCII)))
        .build();
  }

  private static LabelSelector namespaceSelector(Target target) {
    LabelSelectorBuilder selector = new LabelSelectorBuilder();
    if (!target.exemptNamespaces().isEmpty()) {
      selector
          .addNewMatchExpression()
          .withKey(NAMESPACE_NAME_LABEL)
          .withOperator("NotIn")
          .withValues(target.exemptNamespaces())
          .endMatchExpression();
    }
    return selector
        .addNewMatchExpression()
        .withKey(AdmissionExemptions.IGNORE_LABEL)
        .withOperator("NotIn")
        .withValues("true")
        .endMatchExpression()
        .build();
  }

  private static Map<String, String> labels() {
    return Map.of(
        "app.kubernetes.io/name",
        "tonnage",
        "app.kubernetes.io/component",
        "webhook",
        WebhookRegistration.MANAGED_BY_LABEL,
        MANAGED_BY);
  }
}
