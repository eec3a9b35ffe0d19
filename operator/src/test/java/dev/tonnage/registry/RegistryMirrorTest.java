package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryMirrorTest {

  @Test
  void dockerHubAliasesNameDockerHubAndTheMirrorKeepsItsPort() {
    RegistryMirror mirror = RegistryMirror.parse("docker.io=https://Mirror.Example:5443/");

    assertThat(mirror)
        .isEqualTo(new RegistryMirror("index.docker.io", "mirror.example:5443", false));
    assertThat(mirror.toString()).isEqualTo("index.docker.io=https://mirror.example:5443");
  }

  @Test
  void anHttpMirrorIsReachedOverPlainHttpAndOnlyIt() {
    RegistryClientConfig config =
        RegistryClientConfig.builder()
            .mirrors(
                List.of(
                    RegistryMirror.parse("ghcr.io=http://cache:5000"),
                    RegistryMirror.parse("ghcr.io=https://second")))
            .build();

    assertThat(config.isInsecure("cache:5000")).isTrue();
    assertThat(config.isInsecure("second")).isFalse();
    assertThat(config.isInsecure("ghcr.io")).isFalse();
    assertThat(config.mirrorsOf("ghcr.io"))
        .extracting(RegistryMirror::host)
        .containsExactly("cache:5000", "second");
    assertThat(config.mirrorsOf("quay.io")).isEmpty();
  }

  @Test
  void aMirrorMustBeABareHttpsOrHttpUrl() {
    for (String bad :
        List.of(
            "docker.io",
            "=https://m",
            "docker.io=",
            "docker.io=mirror.example",
            "docker.io=ftp://m",
            "docker.io=https://m/prefix",
            "docker.io=https://user:pw@m",
            "docker.io=https://m?x=1",
            "docker.io=https://index.docker.io",
            "docker.io=https://" + "m".repeat(600))) {
      assertThatThrownBy(() -> RegistryMirror.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--registry-mirror")
          .hasMessageNotContaining("pw@");
    }
  }
}
