package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookConfigurationsTest {

  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final WebhookConfigurations.Target TARGET =
      new WebhookConfigurations.Target(
          "https://127.0.0.1:8443/", CA, FailurePolicy.IGNORE, List.of("tonnage", "kube-system"));

  @Test
  void validatingWebhookCallsValidateWithTheCaBundleAndTheSettingsOfTheIssue() {
    ValidatingWebhook webhook =
        WebhookConfigurations.validating(WebhookConfigurations.VALIDATING_NAME, TARGET)
            .getWebhooks()
            .get(0);
    assertThat(
            WebhookConfigurations.validating(WebhookConfigurations.VALIDATING_NAME, TARGET)
                .getMetadata()
                .getName())
        .isEqualTo("tonnage-validating");
    assertThat(webhook.getName()).isEqualTo("validate.tonnage.dev");
    assertThat(webhook.getClientConfig().getUrl()).isEqualTo("https://127.0.0.1:8443/validate");
    assertThat(
            new String(
                Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle()),
                StandardCharsets.US_ASCII))
        .isEqualTo(CA);
    assertThat(webhook.getSideEffects()).isEqualTo("NoneOnDryRun");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getMatchPolicy()).isEqualTo("Equivalent");
    assertThat(webhook.getMatchConditions()).isNullOrEmpty();
  }

  @Test
  void rulesCoverEveryAdmittedKindAndTheEphemeralContainersSubresource() {
    List<RuleWithOperations> rules =
        WebhookConfigurations.validating(WebhookConfigurations.VALIDATING_NAME, TARGET)
            .getWebhooks()
            .get(0)
            .getRules();
    assertThat(rules)
        .flatExtracting(RuleWithOperations::getResources)
        .containsExactlyInAnyOrder(
            "pods",
            "pods/ephemeralcontainers",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs");
    assertThat(rules)
        .allSatisfy(
            rule -> {
              assertThat(rule.getOperations()).containsExactly("CREATE", "UPDATE");
              assertThat(rule.getApiVersions()).containsExactly("*");
              assertThat(rule.getScope()).isEqualTo("Namespaced");
            });
  }

  @Test
  void mutatingWebhookAnnotatesButNeverBlocksAndIsReinvoked() {
    MutatingWebhook webhook =
        WebhookConfigurations.mutating(
                WebhookConfigurations.MUTATING_NAME,
                new WebhookConfigurations.Target("https://h:1", CA, FailurePolicy.FAIL, List.of()))
            .getWebhooks()
            .get(0);
    assertThat(webhook.getClientConfig().getUrl()).isEqualTo("https://h:1/mutate");
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(webhook.getRules())
        .flatExtracting(RuleWithOperations::getResources)
        .doesNotContain("pods/ephemeralcontainers");
  }

  @Test
  void failurePolicyFailIsPassedToTheValidatingWebhook() {
    ValidatingWebhook webhook =
        WebhookConfigurations.validating(
                WebhookConfigurations.VALIDATING_NAME,
                new WebhookConfigurations.Target("https://h:1", CA, FailurePolicy.FAIL, List.of()))
            .getWebhooks()
            .get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
  }

  @Test
  void selectorsLeaveOutExemptNamespacesButNoObjectCanOptOut() {
    ValidatingWebhook webhook =
        WebhookConfigurations.validating(WebhookConfigurations.VALIDATING_NAME, TARGET)
            .getWebhooks()
            .get(0);
    String yaml = Serialization.asYaml(webhook);
    assertThat(webhook.getNamespaceSelector().getMatchExpressions())
        .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
        .containsExactly(
            "kubernetes.io/metadata.name NotIn [kube-system, tonnage]",
            "tonnage.dev/ignore NotIn [true]");
    assertThat(webhook.getObjectSelector()).isNull();
    assertThat(yaml).doesNotContain("matchConditions");
  }

  @Test
  void refusesAPlainHttpUrl() {
    assertThatThrownBy(
            () ->
                new WebhookConfigurations.Target("http://h:1", CA, FailurePolicy.IGNORE, List.of()))
        .hasMessageContaining("https://");
  }

  @Test
  void configurationsCarryTheNamesTheyAreGiven() {
    assertThat(WebhookConfigurations.validating("r-validating", TARGET).getMetadata().getName())
        .isEqualTo("r-validating");
    assertThat(WebhookConfigurations.mutating("r-mutating", TARGET).getMetadata().getName())
        .isEqualTo("r-mutating");
  }

  @Test
  void namesMustBeKubernetesObjectNamesAndSayWhichFlagIsWrong() {
    assertThat(WebhookConfigurations.Names.DEFAULT)
        .isEqualTo(new WebhookConfigurations.Names("tonnage-validating", "tonnage-mutating"));
    assertThatThrownBy(() -> new WebhookConfigurations.Names("Tonnage", "m"))
        .hasMessageContaining("--validating-webhook-configuration")
        .hasMessageContaining("'Tonnage'");
    assertThatThrownBy(() -> new WebhookConfigurations.Names("v", "-m"))
        .hasMessageContaining("--mutating-webhook-configuration");
    assertThatThrownBy(() -> new WebhookConfigurations.Names("v", "m".repeat(254)))
        .hasMessageContaining("at most 253 characters")
        .hasMessageContaining("got 254");
    assertThat(new WebhookConfigurations.Names("v", "").mutating())
        .as("empty: the chart renders no mutating configuration")
        .isEmpty();
  }
}
