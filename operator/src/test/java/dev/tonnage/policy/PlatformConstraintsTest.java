package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.Platform;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlatformConstraintsTest {

  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final Platform WINDOWS = Platform.parse("windows/amd64");

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("no constraints", new PodSpec(), List.of(AMD64, ARM64, WINDOWS)),
        Arguments.of(
            "nodeSelector arch",
            new PodSpecBuilder().withNodeSelector(Map.of("kubernetes.io/arch", "arm64")).build(),
            List.of(ARM64)),
        Arguments.of(
            "nodeSelector os",
            new PodSpecBuilder().withNodeSelector(Map.of("kubernetes.io/os", "linux")).build(),
            List.of(AMD64, ARM64)),
        Arguments.of(
            "nodeSelector on other labels only",
            new PodSpecBuilder().withNodeSelector(Map.of("pool", "gpu")).build(),
            List.of(AMD64, ARM64, WINDOWS)),
        Arguments.of(
            "deprecated beta arch label",
            new PodSpecBuilder()
                .withNodeSelector(Map.of("beta.kubernetes.io/arch", "amd64"))
                .build(),
            List.of(AMD64, WINDOWS)),
        Arguments.of(
            "affinity In",
            affinity(term("kubernetes.io/arch", "In", "amd64", "arm64")),
            List.of(AMD64, ARM64, WINDOWS)),
        Arguments.of(
            "affinity NotIn",
            affinity(term("kubernetes.io/arch", "NotIn", "arm64")),
            List.of(AMD64, WINDOWS)),
        Arguments.of(
            "affinity terms are ORed",
            affinity(
                term("kubernetes.io/arch", "In", "arm64"),
                term("kubernetes.io/os", "In", "windows")),
            List.of(ARM64, WINDOWS)),
        Arguments.of(
            "a term without platform requirements admits all",
            affinity(term("kubernetes.io/arch", "In", "arm64"), term("pool", "In", "gpu")),
            List.of(AMD64, ARM64, WINDOWS)),
        Arguments.of(
            "nodeSelector and affinity both hold",
            new PodSpecBuilder(affinity(term("kubernetes.io/arch", "In", "amd64", "arm64")))
                .withNodeSelector(Map.of("kubernetes.io/os", "linux"))
                .build(),
            List.of(AMD64, ARM64)),
        Arguments.of(
            "Gt on an arch label constrains nothing",
            affinity(term("kubernetes.io/arch", "Gt", "1")),
            List.of(AMD64, ARM64, WINDOWS)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void admitsThePlatformsThePodCanBeScheduledOn(String name, PodSpec pod, List<Platform> admitted) {
    PlatformConstraints constraints = PlatformConstraints.of(pod);
    assertThat(Stream.of(AMD64, ARM64, WINDOWS).filter(constraints::admits).toList())
        .isEqualTo(admitted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void admitsEveryVariantOfAnArchitecture(String name, PodSpec pod, List<Platform> admitted) {
    Platform armV7 = Platform.parse("linux/arm/v7");
    Platform armV6 = Platform.parse("linux/arm/v6");
    PlatformConstraints constraints = PlatformConstraints.of(pod);
    assertThat(constraints.admits(armV7)).isEqualTo(constraints.admits(armV6));
  }

  @Test
  void anyOfAdmitsTheListedOsArchPairs() {
    PlatformConstraints constraints = PlatformConstraints.forPlatforms(List.of(ARM64));
    assertThat(constraints.admits(ARM64)).isTrue();
    assertThat(constraints.admits(AMD64)).isFalse();
    assertThat(PlatformConstraints.forPlatforms(List.of()).isUnconstrained()).isTrue();
  }

  private static PodSpec affinity(NodeSelectorTerm... terms) {
    return new PodSpecBuilder()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(terms)
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .build();
  }

  private static NodeSelectorTerm term(String key, String operator, String... values) {
    return new NodeSelectorTermBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .build();
  }
}
