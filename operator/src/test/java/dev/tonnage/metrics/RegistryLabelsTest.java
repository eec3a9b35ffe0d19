package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryLabelsTest {

  private final RegistryLabels labels = new RegistryLabels();

  @Test
  void threeHundredHostsGiveAtMostTheKnownOnesPlusOther() {
    labels.learn("registry.example.com");
    labels.learn("10.0.0.5:5000");
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      values.add(labels.label("host" + i + ".attacker.example"));
    }
    values.add(labels.label("registry.example.com"));
    values.add(labels.label("10.0.0.5:5000"));

    assertThat(values).hasSizeLessThanOrEqualTo(labels.knownCount() + 1);
    assertThat(values).containsExactlyInAnyOrder("other", "registry.example.com", "10.0.0.5:5000");
  }

  @Test
  void wellKnownPublicRegistriesKeepTheirNameAndDockerHubAliasesBecomeIndexDockerIo() {
    assertThat(labels.label("ghcr.io")).isEqualTo("ghcr.io");
    assertThat(labels.label("EU.GCR.IO")).isEqualTo("eu.gcr.io");
    assertThat(labels.label("registry.k8s.io")).isEqualTo("registry.k8s.io");
    assertThat(labels.label("registry-1.docker.io")).isEqualTo("index.docker.io");
    assertThat(labels.label("docker.io")).isEqualTo("index.docker.io");
  }

  @Test
  void cloudRegistryHostsAreLabelledByTheirFamilyPatternNeverByHost() {
    assertThat(labels.label("acme.azurecr.io")).isEqualTo("*.azurecr.io");
    assertThat(labels.label("x9f.azurecr.io")).isEqualTo("*.azurecr.io");
    assertThat(labels.label("europe-west1-docker.pkg.dev")).isEqualTo("*-docker.pkg.dev");
    assertThat(labels.label("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
        .isEqualTo("*.dkr.ecr.*.amazonaws.com");
    assertThat(labels.label("azurecr.io")).isEqualTo("other");
    assertThat(labels.label("evil.amazonaws.com")).isEqualTo("other");
  }

  @Test
  void policyGlobsTeachTheirLiteralRegistryOnly() {
    labels.learnFromPattern("registry.acme.io/team/**");
    labels.learnFromPattern("*.evil.example/**");
    labels.learnFromPattern("nginx:*");
    labels.learnFromPattern("localhost:5000/app:*");

    assertThat(labels.label("registry.acme.io")).isEqualTo("registry.acme.io");
    assertThat(labels.label("localhost:5000")).isEqualTo("localhost:5000");
    assertThat(labels.label("x.evil.example")).isEqualTo("other");
    assertThat(labels.knownCount()).isEqualTo(2);
  }

  @Test
  void theKnownSetStopsGrowingAtItsCap() {
    for (int i = 0; i < RegistryLabels.MAX_KNOWN + 50; i++) {
      labels.learn("r" + i + ".example.com");
    }

    assertThat(labels.knownCount()).isEqualTo(RegistryLabels.MAX_KNOWN);
    assertThat(labels.label("r0.example.com")).isEqualTo("r0.example.com");
    assertThat(labels.label("r" + (RegistryLabels.MAX_KNOWN + 10) + ".example.com"))
        .isEqualTo("other");
  }

  @Test
  void malformedWildcardAndOverLongHostsAreNeverLearned() {
    assertThat(labels.learn("*.example.com")).isFalse();
    assertThat(labels.learn("host/with/path")).isFalse();
    assertThat(labels.learn("a".repeat(RegistryLabels.MAX_HOST_LENGTH + 1))).isFalse();
    assertThat(labels.label("a".repeat(100_000))).isEqualTo("other");
    assertThat(labels.label(null)).isEqualTo("other");
    assertThat(labels.knownCount()).isZero();
  }
}
