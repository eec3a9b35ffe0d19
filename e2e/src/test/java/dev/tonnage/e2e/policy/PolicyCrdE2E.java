package dev.tonnage.e2e.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checked-in CRDs against the real kube-apiserver: they install, every example policy is
 * accepted with its defaults filled in, and invalid policies are refused with a message a user can
 * act on.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class PolicyCrdE2E {

  private static final Path ROOT = Checkout.root();
  private static KubeApiServer kube;

  @BeforeAll
  static void installCrds() {
    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
    kube.kubectl(
            "wait",
            "--for",
            "condition=established",
            "--timeout=60s",
            "crd/clusterimagepolicies.tonnage.dev",
            "crd/imagepolicies.tonnage.dev")
        .requireSuccess();
    Namespaces.create(kube, "team-payments");
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      kube.close();
    }
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleIsAccepted(Path example) {
    ProcessResult applied = kube.kubectl("apply", "-f", example.toString());
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
  }

  @Test
  void defaultsAreFilledInByTheApiServer() {
    apply(
            """
        apiVersion: tonnage.dev/v1alpha1
        kind: ClusterImagePolicy
        metadata: {name: defaults}
        spec:
          limits: {maxCompressedSize: 1Gi}
        """)
        .requireSuccess();
    String spec =
        kube.kubectl(
                "get", "cimp", "defaults", "-o", "jsonpath={.spec.action} {.spec.onRegistryError}")
            .requireSuccess()
            .stdout();
    assertThat(spec).isEqualTo("Warn Allow");
  }

  @Test
  void printerColumnsAndShortNamesWork() {
    apply(
            """
        apiVersion: tonnage.dev/v1alpha1
        kind: ClusterImagePolicy
        metadata: {name: columns}
        spec:
          action: Enforce
          limits: {maxCompressedSize: 500Mi}
        """)
        .requireSuccess();
    String table = kube.kubectl("get", "cimp", "columns").requireSuccess().stdout();
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("ACTION")
        .contains("MAX SIZE")
        .contains("VIOLATIONS")
        .contains("READY")
        .contains("AGE");
    assertThat(table).contains("Enforce").contains("500Mi");
    assertThat(kube.kubectl("get", "imp", "-A").exitCode()).isZero();
    assertThat(kube.kubectl("get", "tonnage").exitCode()).isZero();
  }

  static Stream<List<String>> invalidPolicies() {
    return Stream.of(
        List.of("maxCompressedSize: 500MB", "spec.limits.maxCompressedSize"),
        List.of("maxLayers: -1", "spec.limits.maxLayers"),
        List.of("maxLayers: many", "spec.limits.maxLayers"));
  }

  @ParameterizedTest
  @MethodSource("invalidPolicies")
  void invalidLimitsAreRefusedNamingTheField(List<String> limitAndField) {
    ProcessResult result =
        apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: invalid-limit}
            spec:
              limits: {%s}
            """
                .formatted(limitAndField.get(0)));
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains(limitAndField.get(1));
  }

  @Test
  void unknownActionIsRefusedListingTheAllowedValues() {
    ProcessResult result =
        apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: invalid-action}
            spec:
              action: Block
            """);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("spec.action").contains("Enforce").contains("Warn");
  }

  @Test
  void wrongTypeIsRefused() {
    ProcessResult result =
        apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: invalid-type}
            spec:
              match: {images: "ghcr.io/acme/**"}
            """);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("spec.match.images");
  }

  private static ProcessResult apply(String yaml) {
    return kube.apply(yaml);
  }
}
