package dev.tonnage.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void listensOnLoopbackOnlyWithDeletesAndMetrics() {
    String yaml = new RegistryConfig(5000, 5001, Path.of("/s"), null, null, null, null).toYaml("x");

    assertThat(yaml)
        .contains("addr: 127.0.0.1:5000")
        .contains("addr: 127.0.0.1:5001")
        .contains("rootdirectory: /s")
        .contains("delete:\n    enabled: true")
        .doesNotContain("tls:")
        .doesNotContain("auth:");
  }

  @Test
  void tokenModeNamesRealmServiceIssuerAndRootBundle() {
    String yaml =
        new RegistryConfig(
                5000,
                5001,
                Path.of("/s"),
                Path.of("/c.crt"),
                Path.of("/c.key"),
                null,
                new RegistryConfig.TokenAuth(
                    "https://127.0.0.1:9/token", "svc", "iss", Path.of("/ca.pem")))
            .toYaml("x");

    assertThat(yaml)
        .contains("  tls:\n    certificate: /c.crt\n    key: /c.key")
        .contains(
            "auth:\n  token:\n    realm: https://127.0.0.1:9/token\n    service: svc\n"
                + "    issuer: iss\n    rootcertbundle: /ca.pem");
  }
}
