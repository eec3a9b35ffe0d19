package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudRegistryHostsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcr.io",
        "us.gcr.io",
        "eu.gcr.io",
        "asia.gcr.io",
        "GCR.IO",
        "us-docker.pkg.dev",
        "europe-west1-docker.pkg.dev",
        "us-central1-docker.pkg.dev"
      })
  void googleRegistriesAreServed(String host) {
    assertThat(GoogleIdentity.isGoogleRegistry(host)).isTrue();
    assertThat(AzureIdentity.isAzureRegistry(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "myregistry.azurecr.io",
        "MyRegistry.AzureCR.io",
        "contoso-abc123.azurecr.io",
        "myregistry.azurecr.cn",
        "myregistry.azurecr.us"
      })
  void azureRegistriesAreServed(String host) {
    assertThat(AzureIdentity.isAzureRegistry(host)).isTrue();
    assertThat(GoogleIdentity.isGoogleRegistry(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "index.docker.io",
        "ghcr.io",
        "io",
        ".gcr.io",
        "evilgcr.io",
        "gcr.io.attacker.example",
        "gcr.io.",
        "a.b.gcr.io",
        "us.gcr.io:443",
        "gcr.io:5000",
        "docker.pkg.dev",
        "-docker.pkg.dev",
        "pkg.dev",
        "us-docker.pkg.dev.attacker.example",
        "us-maven.pkg.dev",
        "a.us-docker.pkg.dev",
        "us-docker.pkg.dev:443",
        "azurecr.io",
        ".azurecr.io",
        "evilazurecr.io",
        "myregistry.azurecr.io.attacker.example",
        "a.b.azurecr.io",
        "myregistry.azurecr.io:443",
        "myregistry..azurecr.io",
        "-myregistry.azurecr.io",
        "myregistry-.azurecr.io",
        "myregistry.azurecr.de",
        "my_registry.azurecr.io",
        "myregistry.azurecr.io/x",
        "myregistry.azurecr.io\u0000",
        "myregistry.azurecr.io\n",
        "мойрегистр.azurecr.io",
        "127.0.0.1",
        "[::1]:5000",
        "169.254.169.254"
      })
  void otherHostsAreNotServed(String host) {
    assertThat(GoogleIdentity.isGoogleRegistry(host)).as(host).isFalse();
    assertThat(AzureIdentity.isAzureRegistry(host)).as(host).isFalse();
  }

  @Test
  void overlongAndNullHostsAreNotServedAndCostLinearTime() {
    String longLabel = "a".repeat(64) + ".azurecr.io";
    String longName = "a.".repeat(200) + "gcr.io";
    String huge = "a".repeat(10_000_000) + "-docker.pkg.dev";
    assertThat(AzureIdentity.isAzureRegistry(longLabel)).isFalse();
    assertThat(GoogleIdentity.isGoogleRegistry(longName)).isFalse();
    assertThat(GoogleIdentity.isGoogleRegistry(huge)).isFalse();
    assertThat(GoogleIdentity.isGoogleRegistry(null)).isFalse();
    assertThat(AzureIdentity.isAzureRegistry(null)).isFalse();
    assertThat(AzureIdentity.isAzureRegistry("a".repeat(63) + ".azurecr.io")).isTrue();
  }
}
