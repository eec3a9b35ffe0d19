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
    // The example exception lives in the operator's namespace, the one trusted by default.
    Namespaces.create(kube, "tonnage");
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
        List.of("maxLayers: many", "spec.limits.maxLayers"),
        List.of("maxGrowth: lots", "spec.limits.maxGrowth"),
        List.of("maxGrowth: \"-5%\"", "spec.limits.maxGrowth"));
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

  @Test
  void kubectlExplainDescribesTheRootSpecStatusAndNestedFields() {
    assertThat(explain("imagepolicy"))
        .contains("An ImagePolicy limits, in its own namespace only,");
    assertThat(explain("clusterimagepolicy"))
        .contains("A ClusterImagePolicy limits, in every namespace its");
    assertThat(explain("imagepolicy.spec")).contains("What the policy checks (match, exclude,");
    assertThat(explain("clusterimagepolicy.status")).contains("What the operator observed:");
    assertThat(explain("imagepolicy.spec.limits.maxLayers")).contains("Most layers an image");
    assertThat(explain("imagepolicy.spec.match.namespaceSelector"))
        .contains("Not allowed in an ImagePolicy, which applies only in its own namespace");
    assertThat(explain("clusterimagepolicy.spec.match.namespaceSelector.matchExpressions.operator"))
        .contains("In, NotIn, Exists or DoesNotExist.");
    assertThat(explain("imagepolicy.status.conditions.type"))
        .contains("The condition's type, e.g. Ready; one condition per type.");
    assertThat(explain("imagepolicy.status.violations.actual")).contains("What the image has:");
  }

  @Test
  void getShowsTheColumnsInTheUsualOrderEndingInAge() {
    apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicy
            metadata: {name: ordered, namespace: team-payments}
            spec:
              action: Enforce
              limits: {maxCompressedSize: 500Mi}
            """)
        .requireSuccess();
    // The status as the operator writes it: a Ready condition and the audit's counts.
    applyStatus(
            "ordered",
            "tonnage-operator",
            "{\"conditions\": [%s], \"summary\": {\"violations\": 3}}"
                .formatted(condition("Ready", "True")))
        .requireSuccess();

    List<String> table =
        kube.kubectl("get", "imagepolicies", "-n", "team-payments", "ordered")
            .requireSuccess()
            .stdout()
            .lines()
            .toList();

    assertThat(table.get(0).trim().split("\\s{2,}"))
        .containsExactly("NAME", "READY", "ACTION", "MAX SIZE", "VIOLATIONS", "AGE");
    assertThat(table.get(1).trim().split("\\s+"))
        .startsWith("ordered", "True", "Enforce", "500Mi", "3");
  }

  @Test
  void anImagePolicyWithANamespaceSelectorIsRefusedNamingTheField() {
    for (String selector : List.of("{matchLabels: {env: prod}}", "{}")) {
      ProcessResult result =
          apply(
              """
              apiVersion: tonnage.dev/v1alpha1
              kind: ImagePolicy
              metadata: {name: selects-namespaces, namespace: team-payments}
              spec:
                match:
                  namespaceSelector: %s
              """
                  .formatted(selector));
      assertThat(result.exitCode()).as(selector).isNotZero();
      assertThat(result.stderr()).as(selector).contains("spec.match.namespaceSelector");
    }
    apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: selects-namespaces}
            spec:
              match:
                namespaceSelector: {matchLabels: {env: prod}}
            """)
        .requireSuccess();
  }

  @Test
  void conditionsMergeByTypeAndTwoOfOneTypeAreRefused() {
    apply(
            """
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicy
            metadata: {name: conditions, namespace: team-payments}
            spec:
              limits: {maxLayers: 30}
            """)
        .requireSuccess();
    applyStatus("conditions", "tonnage-operator", conditions(condition("Ready", "True")))
        .requireSuccess();

    // Another writer's condition joins by its type instead of replacing the list.
    applyStatus("conditions", "other-controller", conditions(condition("Audited", "True")))
        .requireSuccess();
    ProcessResult twice =
        applyStatus(
            "conditions",
            "tonnage-operator",
            conditions(condition("Ready", "True"), condition("Ready", "False")));

    assertThat(
            kube.kubectl(
                    "get",
                    "imagepolicy",
                    "conditions",
                    "-n",
                    "team-payments",
                    "-o",
                    "jsonpath={.status.conditions[*].type}={.status.conditions[*].status}")
                .requireSuccess()
                .stdout())
        .isEqualTo("Ready Audited=True True");
    assertThat(twice.exitCode()).isNotZero();
    assertThat(twice.stderr()).contains("duplicate entries for key [type=\"Ready\"]");
  }

  /** {@code kubectl explain}, its wrapped lines joined. */
  private static String explain(String field) {
    return kube.kubectl("explain", field).requireSuccess().stdout().replaceAll("\\s+", " ");
  }

  /** Server-side apply of {@code status} (JSON) to an ImagePolicy's status, as a field manager. */
  private static ProcessResult applyStatus(String policy, String fieldManager, String status) {
    return kube.kubectlWithInput(
        """
        {"apiVersion": "tonnage.dev/v1alpha1", "kind": "ImagePolicy",
         "metadata": {"name": "%s", "namespace": "team-payments"},
         "status": %s}
        """
            .formatted(policy, status),
        "apply",
        "--server-side",
        "--subresource=status",
        // kubectl's own check (its fallback for a 1.20 server) wants a spec, which the status
        // subresource ignores; the API server still validates the status.
        "--validate=false",
        "--field-manager=" + fieldManager,
        "-f",
        "-");
  }

  private static String conditions(String... conditions) {
    return "{\"conditions\": [" + String.join(",", conditions) + "]}";
  }

  private static String condition(String type, String status) {
    return ("{\"type\":\"%s\",\"status\":\"%s\",\"reason\":\"Test\",\"message\":\"set by"
            + " the test\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}")
        .formatted(type, status);
  }

  private static ProcessResult apply(String yaml) {
    return kube.apply(yaml);
  }
}
