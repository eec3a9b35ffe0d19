package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompiledPolicyTest {

  @Test
  void appliesTheDefaultsOfTheCrd() {
    CompiledPolicy policy = Fixtures.cluster("{}");
    assertThat(policy.action()).isEqualTo(PolicyAction.WARN);
    assertThat(policy.onRegistryError()).isEqualTo(RegistryErrorAction.ALLOW);
    assertThat(policy.annotate()).isFalse();
    assertThat(policy.platforms()).isEmpty();
    assertThat(policy.needsUncompressedSize()).isFalse();
    assertThat(policy.baseImageCandidates()).isEmpty();
    assertThat(policy.maxCompressedSize()).isNull();
    assertThat(policy.maxLayers()).isEmpty();
  }

  @Test
  void compilesEveryField() {
    CompiledPolicy policy =
        Fixtures.cluster(
            """
            action: Enforce
            match:
              namespaceSelector: {matchLabels: {env: prod}}
              objectSelector: {matchExpressions: [{key: tier, operator: In, values: [web]}]}
              images: ["ghcr.io/acme/**"]
            exclude:
              namespaces: [kube-system]
              images: ["ghcr.io/acme/debug:*"]
            limits:
              maxCompressedSize: 500Mi
              maxUncompressedSize: 2Gi
              maxLayers: 30
              maxLayerSize: 300M
            baseImages:
              allowed: ["gcr.io/distroless/**", "docker.io/library/alpine:3.20"]
              denied: ["docker.io/library/ubuntu:*"]
              requireKnownBase: true
            platforms: [linux/amd64, linux/arm/v7]
            onRegistryError: Deny
            annotate: true
            """);
    assertThat(policy.ref()).isEqualTo(PolicyRef.cluster("test"));
    assertThat(policy.action()).isEqualTo(PolicyAction.ENFORCE);
    assertThat(policy.onRegistryError()).isEqualTo(RegistryErrorAction.DENY);
    assertThat(policy.annotate()).isTrue();
    assertThat(policy.maxCompressedSize().bytes()).isEqualTo(500L << 20);
    assertThat(policy.maxUncompressedSize().bytes()).isEqualTo(2L << 30);
    assertThat(policy.maxLayers()).hasValue(30);
    assertThat(policy.maxLayerSize().bytes()).isEqualTo(300_000_000L);
    assertThat(policy.maxLayerSize().display()).isEqualTo("286.1 MiB (300M)");
    assertThat(policy.needsUncompressedSize()).isTrue();
    assertThat(policy.requireKnownBase()).isTrue();
    assertThat(policy.platforms())
        .containsExactly(Platform.parse("linux/amd64"), Platform.parse("linux/arm/v7"));
    assertThat(policy.baseImageCandidates()).containsExactly(ImageReference.parse("alpine:3.20"));
    assertThat(policy.matchesImage("ghcr.io/acme/api:1")).isTrue();
    assertThat(policy.matchesImage("ghcr.io/acme/debug:1")).isFalse();
    assertThat(policy.matchesImage("quay.io/acme/api:1")).isFalse();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          match: {images: ["ghcr.io/a/*", "ok", "ghcr.io/***"]}  | spec.match.images[2]: "ghcr.io/***" has '***'
          exclude: {images: ["a b"]}                               | spec.exclude.images[0]: "a b" may contain only reference characters
          exclude: {namespaces: [""]}                              | spec.exclude.namespaces[0]: a namespace name has 1 to 63 characters
          limits: {maxCompressedSize: 500MB}                       | spec.limits.maxCompressedSize: "500MB" is not a byte quantity
          limits: {maxUncompressedSize: "-1Gi"}                    | spec.limits.maxUncompressedSize: "-1Gi" is not a byte quantity
          limits: {maxLayerSize: 300m}                             | spec.limits.maxLayerSize: "300m" is not a byte quantity
          limits: {maxLayers: -1}                                  | spec.limits.maxLayers: -1 is negative; use 0 or more
          baseImages: {allowed: ["**/***"]}                        | spec.baseImages.allowed[0]: "**/***" has '***'
          baseImages: {denied: ["ubuntu:*", "x y"]}                | spec.baseImages.denied[1]: "x y" may contain only
          platforms: [linux]                                       | spec.platforms[0]: "linux" is not os/arch[/variant] in lowercase
          platforms: [Linux/AMD64]                                 | spec.platforms[0]: "Linux/AMD64" is not os/arch[/variant]
          platforms: [linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa] | spec.platforms[0]: is 76 characters long; at most 64 are allowed
          match: {objectSelector: {matchLabels: {env: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv}}} | spec.match.objectSelector.matchLabels.env: a label value is 64 characters long; at most 63 are allowed
          match: {objectSelector: {matchExpressions: [{key: a, operator: Is}]}} | spec.match.objectSelector.matchExpressions[0].operator: "Is" is not one of In, NotIn, Exists, DoesNotExist
          match: {namespaceSelector: {matchExpressions: [{key: env, operator: In}]}} | spec.match.namespaceSelector.matchExpressions[0].values: must not be empty for In
          """)
  void namesTheFieldPathOfEachProblem(String spec, String problem) {
    assertThatThrownBy(() -> Fixtures.cluster(spec))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(problem)));
  }

  @Test
  void refusesANamespaceSelectorOnAnImagePolicy() {
    assertThatThrownBy(() -> Fixtures.namespaced("team-a", "match: {namespaceSelector: {}}"))
        .hasMessageContaining(
            "spec.match.namespaceSelector: only a ClusterImagePolicy selects namespaces");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                Fixtures.cluster("limits: {maxCompressedSize: big, maxLayers: -2}\nplatforms: [x]"))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class, e -> assertThat(e.problems()).hasSize(3));
  }

  @Test
  void refusesMoreEntriesThanTheCrdAllows() {
    String images = String.join(", ", Collections.nCopies(65, "\"ghcr.io/acme/*\""));
    assertThatThrownBy(() -> Fixtures.cluster("match: {images: [" + images + "]}"))
        .hasMessageContaining("spec.match.images: has 65 entries; at most 64 are allowed");
  }

  @Test
  void compilingWithoutASpecSaysItIsRequired() {
    assertThatThrownBy(() -> CompiledPolicy.compile(PolicyRef.cluster("x"), null))
        .hasMessage("ClusterImagePolicy x is invalid: spec: is required");
  }

  @Test
  void takesOnlyPinnedLiteralBasesAsCandidates() {
    CompiledPolicy policy =
        Fixtures.cluster(
            """
            baseImages:
              allowed: ["alpine", "alpine:3.20", "gcr.io/distroless/static@sha256:%s", "debian:*"]
              denied: ["localhost:5000/base", "localhost:5000/base:1"]
            """
                .formatted("a".repeat(64)));
    assertThat(policy.baseImageCandidates())
        .extracting(ImageReference::toString)
        .isEqualTo(
            List.of(
                "index.docker.io/library/alpine:3.20",
                "gcr.io/distroless/static@sha256:" + "a".repeat(64),
                "localhost:5000/base:1"));
  }
}
