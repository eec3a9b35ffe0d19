package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The chart's configurations get the operator's CA, and get it back when someone replaces or
 * empties it, with no other field touched.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookCaBundleKeeperIT {

  static KubernetesClient client;

  @Test
  void setsTheCaOfEveryWebhookOfTheChartsConfigurations() {
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
    keepUntilInSync(WebhookConfigurations.Names.DEFAULT, pem).close();

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
  void leavesMissingConfigurationsAloneAndIsNotInSync() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    try (WebhookCaBundleKeeper keeper =
        new WebhookCaBundleKeeper(client, WebhookConfigurations.Names.DEFAULT, "pem").start()) {
      assertThat(keeper.inSync()).as("a missing configuration is not in sync").isFalse();
    }
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
  void findsTheConfigurationsByTheConfiguredNames() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    WebhookConfigurations.Names names =
        new WebhookConfigurations.Names("shop-tonnage-validating", "shop-tonnage-mutating");
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
    keepUntilInSync(names, "second").close();

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
  void leavesAConfigurationWithAnEmptyNameAlone() {
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

    keepUntilInSync(new WebhookConfigurations.Names("v", ""), "second").close();

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

  @Test
  void restoresACaBundleThatWasEmptiedAndFollowsANewCa() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
    WebhookConfigurations.Target target =
        new WebhookConfigurations.Target(
            "https://10.0.0.5:8443", "first", FailurePolicy.IGNORE, List.of());
    var validating =
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName("v");
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(WebhookConfigurations.validating("v", target))
        .create();

    try (WebhookCaBundleKeeper keeper =
        keepUntilInSync(new WebhookConfigurations.Names("v", ""), "first")) {
      // What helm uninstall + install does: the configuration comes back without a caBundle.
      validating.delete();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !keeper.inSync());
      var replaced = WebhookConfigurations.validating("v", target);
      replaced.getWebhooks().get(0).getClientConfig().setCaBundle(null);
      client
          .admissionRegistration()
          .v1()
          .validatingWebhookConfigurations()
          .resource(replaced)
          .create();

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> encoded("first").equals(caBundleOf(validating.get())));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(keeper::inSync);

      keeper.caBundleChanged("renewed");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> encoded("renewed").equals(caBundleOf(validating.get())));
      assertThat(validating.get().getWebhooks().get(0).getClientConfig().getUrl())
          .as("no other field is touched")
          .isEqualTo("https://10.0.0.5:8443/validate");
    }
  }

  private static WebhookCaBundleKeeper keepUntilInSync(
      WebhookConfigurations.Names names, String pem) {
    WebhookCaBundleKeeper keeper = new WebhookCaBundleKeeper(client, names, pem).start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(keeper::inSync);
    return keeper;
  }

  private static String caBundleOf(
      io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration c) {
    return c == null ? null : c.getWebhooks().get(0).getClientConfig().getCaBundle();
  }

  private static String encoded(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
