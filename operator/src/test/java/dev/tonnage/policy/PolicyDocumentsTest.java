package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyDocumentsTest {

  private static final String HEADER =
      "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: slim}\n";

  @Test
  void readsBothKindsFromSeveralDocuments() {
    List<CompiledPolicy> policies =
        PolicyDocuments.parse(
            "p.yaml",
            """
            ---
            apiVersion: tonnage.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: slim}
            spec: {limits: {maxCompressedSize: 1Gi}}
            ---
            # a comment-only document is skipped
            ---
            apiVersion: tonnage.dev/v1alpha1
            kind: ImagePolicy
            metadata: {name: small, namespace: team-a}
            spec: {action: Enforce}
            """);
    assertThat(policies)
        .extracting(CompiledPolicy::ref)
        .containsExactly(PolicyRef.cluster("slim"), PolicyRef.namespaced("team-a", "small"));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          spec: {limits: {maxSize: 1Gi}}             | p.yaml:1: ClusterImagePolicy slim: spec.limits.maxSize: unknown field; known fields here: maxCompressedSize, maxGrowth, maxLayerSize, maxLayers, maxUncompressedSize
          spec: {action: Block}                      | p.yaml:1: ClusterImagePolicy slim: spec.action: "Block" is not one of Audit, Enforce, Warn
          spec: {onRegistryError: allow}             | p.yaml:1: ClusterImagePolicy slim: spec.onRegistryError: "allow" is not one of Allow, Deny
          spec: {limits: {maxLayers: thirty}}        | p.yaml:1: ClusterImagePolicy slim: spec.limits.maxLayers: expected an integer
          spec: {limits: {maxLayers: "30"}}          | p.yaml:1: ClusterImagePolicy slim: spec.limits.maxLayers: expected an integer
          spec: {limits: {maxCompressedSize: 1000}}  | p.yaml:1: ClusterImagePolicy slim: spec.limits.maxCompressedSize: 1000 is not a string (quote numbers, e.g. "1000000")
          spec: {match: {images: "ghcr.io/*"}}       | p.yaml:1: ClusterImagePolicy slim: spec.match.images: expected a list
          spec: {annotate: "yes"}                    | p.yaml:1: ClusterImagePolicy slim: spec.annotate: expected true or false
          spec: {platforms: [linux/amd64, 7]}        | p.yaml:1: ClusterImagePolicy slim: spec.platforms[1]: 7 is not a string
          spec: {limits: {maxCompressedSize: 5GB}}   | p.yaml:1: ClusterImagePolicy slim: spec.limits.maxCompressedSize: "5GB" is not a byte quantity
          spec: {limits: {}, limits: {}}             | p.yaml:4: not valid YAML: Duplicate field 'limits'
          spec: [1, 2]                               | p.yaml:1: ClusterImagePolicy slim: spec: expected a mapping
          """)
  void namesTheFileLineFieldPathAndReason(String spec, String problem) {
    assertThatThrownBy(() -> PolicyDocuments.parse("p.yaml", HEADER + spec))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> {
              assertThat(e.subject()).isEqualTo("p.yaml");
              assertThat(e.problems()).singleElement().asString().startsWith(problem);
            });
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}            | p.yaml:1: kind: "ConfigMap" is not a Tonnage policy; use ClusterImagePolicy or ImagePolicy
          apiVersion: tonnage.dev/v1\\nkind: ImagePolicy\\nmetadata: {name: x}\\nspec: {} | p.yaml:1: ImagePolicy x: apiVersion: "tonnage.dev/v1" is not tonnage.dev/v1alpha1
          apiVersion: tonnage.dev/v1alpha1\\nkind: ImagePolicy\\nspec: {}   | p.yaml:1: ImagePolicy: metadata.name: is required
          apiVersion: tonnage.dev/v1alpha1\\nkind: ClusterImagePolicy\\nmetadata: {name: 0}\\nspec: {} | p.yaml:1: ClusterImagePolicy: metadata.name: must be a string
          apiVersion: tonnage.dev/v1alpha1\\nkind: ImagePolicy\\nmetadata: {name: x} | p.yaml:1: ImagePolicy x: spec: is required
          - just a list                                                     | p.yaml:1: expected a ClusterImagePolicy or ImagePolicy mapping
          'spec: {a: [}'                                                    | p.yaml:1: not valid YAML
          '# nothing'                                                       | p.yaml: holds no policy; expected ClusterImagePolicy or ImagePolicy
          """)
  void refusesWhatIsNoPolicy(String yaml, String problem) {
    assertThatThrownBy(() -> PolicyDocuments.parse("p.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> assertThat(e.problems()).singleElement().asString().startsWith(problem));
  }

  @Test
  void reportsProblemsOfEveryDocumentWithItsLine() {
    String yaml =
        HEADER
            + "spec: {action: Block}\n---\n"
            + "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicy\n"
            + "metadata: {name: small, namespace: team-a}\n"
            + "spec:\n  limits:\n    maxLayers: -3\n";
    assertThatThrownBy(() -> PolicyDocuments.parse("p.yaml", yaml))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "p.yaml:1: ClusterImagePolicy slim: spec.action: \"Block\" is not one of"
                            + " Audit, Enforce, Warn",
                        "p.yaml:6: ImagePolicy team-a/small: spec.limits.maxLayers: -3 is"
                            + " negative; use 0 or more"));
  }

  @Test
  void reportsEveryProblemOfOneDocumentNotOnlyTheFirst() {
    String yaml =
        HEADER
            + "spec:\n  action: Block\n  match: {images: ['ghcr.io/acme/***']}\n"
            + "  limits: {maxSize: 1Gi, maxLayers: thirty, maxCompressedSize: 5GB}\n"
            + "  platforms: [linux/amd64, 7, 8]\n";
    assertThatThrownBy(() -> PolicyDocuments.parse("p.yaml", yaml))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(6)
                    .allSatisfy(
                        p -> assertThat(p).startsWith("p.yaml:1: ClusterImagePolicy slim: "))
                    .anySatisfy(p -> assertThat(p).contains("spec.action: \"Block\""))
                    .anySatisfy(p -> assertThat(p).contains("spec.limits.maxSize: unknown field"))
                    .anySatisfy(p -> assertThat(p).contains("spec.limits.maxLayers: expected"))
                    .anySatisfy(p -> assertThat(p).contains("spec.platforms[1]: 7 is not"))
                    .anySatisfy(
                        p -> assertThat(p).contains("spec.limits.maxCompressedSize: \"5GB\""))
                    .anySatisfy(p -> assertThat(p).contains("spec.match.images[0]")));
  }

  @Test
  void aFieldLeftOutForItsTypeIsNotReportedAgainAsMissing() {
    assertThatThrownBy(() -> PolicyDocuments.parse("p.yaml", HEADER + "spec: [1, 2]\n"))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "p.yaml:1: ClusterImagePolicy slim: spec: expected a mapping"));
  }
}
