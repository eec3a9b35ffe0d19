package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-cluster self-signed mode: the chart's configurations get the operator's CA. */
@EnableKubernetesMockClient(crud = true)
class WebhookRegistrationIT {

  static KubernetesClient client;

  @Test
  void updateCaBundleSetsTheCaOfEveryWebhookOfTheChartsConfigurations() {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WebhookConfigurations.VALIDATING_NAME)
                .endMetadata()
                .addNewWebhook()
                .withName("validate.tonnage.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("tonnage")
                .withNamespace("tonnage")
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WebhookConfigurations.MUTATING_NAME)
                .endMetadata()
                .addNewWebhook()
                .withName("mutate.tonnage.dev")
                .withNewClientConfig()
                .withNewService()
                .withName("tonnage")
                .withNamespace("tonnage")
                .withPath("/mutate")
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();

    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    new WebhookRegistration(client, WebhookConfigurations.Names.DEFAULT).updateCaBundle(pem);

    String expected = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    var validating =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(WebhookConfigurations.VALIDATING_NAME)
            .get();
    var mutating =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WebhookConfigurations.MUTATING_NAME)
            .get();
    assertThat(validating.getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(expected);
    assertThat(validating.getWebhooks().get(0).getClientConfig().getService().getName())
        .isEqualTo("tonnage");
    assertThat(mutating.getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(expected);
  }

  @Test
  void updateCaBundleLeavesMissingConfigurationsAlone() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    new WebhookRegistration(client, WebhookConfigurations.Names.DEFAULT).updateCaBundle("pem");
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(WebhookConfigurations.VALIDATING_NAME)
                .get())
        .isNull();
  }

  @Test
  void updateCaBundleFindsTheConfigurationsByTheConfiguredNames() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    WebhookConfigurations.Names names =
        new WebhookConfigurations.Names("shop-tonnage-validating", "shop-tonnage-mutating");
    // The mock server has no server-side apply: create what register() would apply.
    WebhookConfigurations.Target target =
        new WebhookConfigurations.Target(
            "https://10.0.0.5:8443", "first", FailurePolicy.IGNORE, List.of());
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(WebhookConfigurations.validating(names.validating(), target))
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(WebhookConfigurations.mutating(names.mutating(), target))
        .create();
    WebhookRegistration registration = new WebhookRegistration(client, names);

    registration.updateCaBundle("second");

    String expected =
        Base64.getEncoder().encodeToString("second".getBytes(StandardCharsets.US_ASCII));
    var validating =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("shop-tonnage-validating")
            .get();
    var mutating =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName("shop-tonnage-mutating")
            .get();
    assertThat(validating.getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(expected);
    assertThat(mutating.getWebhooks().get(0).getClientConfig().getCaBundle()).isEqualTo(expected);
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(WebhookConfigurations.VALIDATING_NAME)
                .get())
        .as("the default name is not touched")
        .isNull();
  }

  @Test
  void updateCaBundleLeavesAConfigurationWithAnEmptyNameAlone() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    WebhookConfigurations.Target target =
        new WebhookConfigurations.Target(
            "https://10.0.0.5:8443", "first", FailurePolicy.IGNORE, List.of());
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(WebhookConfigurations.validating("v", target))
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(WebhookConfigurations.mutating("m", target))
        .create();

    new WebhookRegistration(client, new WebhookConfigurations.Names("v", ""))
        .updateCaBundle("second");

    String first = Base64.getEncoder().encodeToString("first".getBytes(StandardCharsets.US_ASCII));
    String second =
        Base64.getEncoder().encodeToString("second".getBytes(StandardCharsets.US_ASCII));
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName("v")
                .get()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle())
        .isEqualTo(second);
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName("m")
                .get()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle())
        .isEqualTo(first);
  }
}
