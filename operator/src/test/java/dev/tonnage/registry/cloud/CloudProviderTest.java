package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.operator.OperatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloudProviderTest {

  @Test
  void theDefaultEnablesEveryProvider() {
    assertThat(OperatorConfig.Registry.DEFAULT_CLOUD_IDENTITIES)
        .isEqualTo(CloudProvider.validValues());
  }

  @Test
  void valuesAreTrimmedCaseInsensitiveAndBlankOnesIgnored() {
    assertThat(CloudProvider.parseAll(List.of(" Aws ", "", "aws")))
        .containsExactly(CloudProvider.AWS);
    assertThat(CloudProvider.parseAll(List.of())).isEmpty();
    assertThat(CloudProvider.parseAll(List.of("NONE"))).isEmpty();
  }

  @Test
  void anUnknownProviderIsNamedAbbreviated() {
    assertThatThrownBy(() -> CloudProvider.parseAll(List.of("x".repeat(5_000))))
        .hasMessageStartingWith("--cloud-identity takes aws,google,azure or none; got xxx")
        .hasMessageEndingWith("...")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120));
  }

  @Test
  void noneEnabledIsAnonymous() {
    assertThat(
            CloudIdentities.of(Set.of(), Map.of())
                .forRegistry("111122223333.dkr.ecr.us-east-1.amazonaws.com"))
        .isEmpty();
  }
}
