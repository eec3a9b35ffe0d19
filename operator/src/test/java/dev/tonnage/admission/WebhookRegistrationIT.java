package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One owner per field: --register-webhooks never applies over the chart's configurations. */
@EnableKubernetesMockClient(crud = true)
class WebhookRegistrationIT {

  static KubernetesClient client;

  private static final WebhookConfigurations.Target TARGET =
      new WebhookConfigurations.Target(
          "https://10.0.0.5:8443", "ca", FailurePolicy.FAIL, List.of("kube-system"));

  @Test
  void theChartsConfigurationsAreLeftToTheChart() {
    ValidatingWebhookConfiguration chart =
        WebhookConfigurations.validating("chart-validating", TARGET);
    chart.getMetadata().setLabels(Map.of(WebhookRegistration.MANAGED_BY_LABEL, "Helm"));
    chart.getWebhooks().get(0).setFailurePolicy("Ignore");
    chart.getWebhooks().get(0).getClientConfig().setUrl("https://chart.example:443/validate");
    client.admissionRegistration().v1().validatingWebhookConfigurations().resource(chart).create();

    // An apply would set failurePolicy Fail and the operator's URL: neither may change.
    new WebhookRegistration(client, new WebhookConfigurations.Names("chart-validating", ""))
        .register(TARGET);

    ValidatingWebhookConfiguration after =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("chart-validating")
            .get();
    assertThat(after.getWebhooks().get(0).getFailurePolicy()).isEqualTo("Ignore");
    assertThat(after.getWebhooks().get(0).getClientConfig().getUrl())
        .isEqualTo("https://chart.example:443/validate");
  }

  @Test
  void configurationsTheOperatorCreatedOrThatNameNoManagerAreItsOwn() {
    ValidatingWebhookConfiguration own = WebhookConfigurations.validating("v", TARGET);
    assertThat(own.getMetadata().getLabels())
        .containsEntry(WebhookRegistration.MANAGED_BY_LABEL, WebhookConfigurations.MANAGED_BY);
    assertThat(WebhookRegistration.isOwn(own)).isTrue();

    own.getMetadata().setLabels(null);
    assertThat(WebhookRegistration.isOwn(own)).as("an earlier operator set no label").isTrue();

    own.getMetadata().setLabels(Map.of(WebhookRegistration.MANAGED_BY_LABEL, "Helm"));
    assertThat(WebhookRegistration.isOwn(own)).isFalse();
  }
}
