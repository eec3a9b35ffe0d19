package dev.tonnage.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.api.v1alpha1.ImagePolicy;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.api.v1alpha1.RegistryErrorAction;
import dev.tonnage.api.v1alpha1.SizeLimits;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What users feel at kubectl apply, read from the generated CRDs. */
class CrdSchemaTest {

  @ParameterizedTest
  @CsvSource({
    "clusterimagepolicies.tonnage.dev-v1.yml, ClusterImagePolicy, Cluster, cimp",
    "imagepolicies.tonnage.dev-v1.yml, ImagePolicy, Namespaced, imp"
  })
  void namesScopeColumnsAndSubresources(String file, String kind, String scope, String shortName)
      throws IOException {
    CustomResourceDefinition crd = crd(file);
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getSpec().getGroup()).isEqualTo("tonnage.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo(scope);
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind);
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly(shortName);
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("tonnage");
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName() + "=" + c.getJsonPath())
        .containsExactly(
            "Ready=..conditions[?(@.type==\"Ready\")].status",
            "Action=..spec.action",
            "Max Size=..spec.limits.maxCompressedSize",
            "Violations=..summary.violations",
            "Age=.metadata.creationTimestamp");
    assertThat(version.getSchema().getOpenAPIV3Schema().getRequired()).containsExactly("spec");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"clusterimagepolicies.tonnage.dev-v1.yml", "imagepolicies.tonnage.dev-v1.yml"})
  void validatesWhatTheEvaluatorAssumes(String file) throws IOException {
    JSONSchemaProps spec = spec(file);
    assertThat(spec.getProperties().get("action").getDefault().asText()).isEqualTo("Warn");
    assertThat(spec.getProperties().get("action").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Enforce", "Warn", "Audit");
    assertThat(spec.getProperties().get("onRegistryError").getDefault().asText())
        .isEqualTo("Allow");
    assertThat(spec.getProperties().get("annotate").getDefault().asBoolean()).isFalse();
    JSONSchemaProps limits = spec.getProperties().get("limits");
    for (String quantity : List.of("maxCompressedSize", "maxUncompressedSize", "maxLayerSize")) {
      assertThat(limits.getProperties().get(quantity).getPattern())
          .isEqualTo(SizeLimits.BYTE_QUANTITY_PATTERN);
    }
    assertThat(limits.getProperties().get("maxLayers").getMinimum()).isZero();
    assertThat(limits.getProperties().get("maxGrowth").getPattern())
        .isEqualTo(SizeLimits.GROWTH_PATTERN);
    assertThat(limits.getProperties().get("maxGrowth").getMaxLength())
        .isEqualTo(SizeLimits.MAX_GROWTH_LENGTH);
    assertThat(spec.getProperties().get("match").getProperties().get("images").getMaxItems())
        .isEqualTo(64L);
    assertThat(spec.getProperties().get("platforms").getItems().getSchema().getPattern())
        .isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"clusterimagepolicies.tonnage.dev-v1.yml", "imagepolicies.tonnage.dev-v1.yml"})
  void isStructuralDescribedAndValidForKubernetes120(String file) throws IOException {
    List<String> problems = new ArrayList<>();
    JSONSchemaProps root = schema(file);
    if (root.getDescription() == null) {
      problems.add("(root): no description");
    }
    walk(root, "", problems);
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"clusterimagepolicies.tonnage.dev-v1.yml", "imagepolicies.tonnage.dev-v1.yml"})
  void conditionsAreAListMapKeyedByType(String file) throws IOException {
    JSONSchemaProps conditions =
        schema(file).getProperties().get("status").getProperties().get("conditions");
    assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
    assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
    // A list-map key must be required (or defaulted), else the API server refuses the CRD.
    assertThat(conditions.getItems().getSchema().getRequired()).contains("type");
  }

  @Test
  void onlyTheClusterImagePolicySchemaAcceptsANamespaceSelector() throws IOException {
    JSONSchemaProps namespaced =
        spec("imagepolicies.tonnage.dev-v1.yml")
            .getProperties()
            .get("match")
            .getProperties()
            .get("namespaceSelector");
    JSONSchemaProps cluster =
        spec("clusterimagepolicies.tonnage.dev-v1.yml")
            .getProperties()
            .get("match")
            .getProperties()
            .get("namespaceSelector");
    assertThat(namespaced.getNot()).as("ImagePolicy: not {} refuses any value").isNotNull();
    assertThat(namespaced.getNot().getProperties()).isNullOrEmpty();
    assertThat(namespaced.getNot().getType()).isNull();
    assertThat(namespaced.getDescription()).startsWith("Not allowed in an ImagePolicy");
    assertThat(cluster.getNot()).isNull();
    assertThat(cluster.getProperties()).containsKeys("matchLabels", "matchExpressions");
  }

  @ParameterizedTest
  @CsvSource({
    "500Mi, true",
    "1Gi, true",
    "1000000, true",
    "1.5G, true",
    "1e9, true",
    "500MB, false",
    "-1Gi, false",
    "500m, false",
    "'500 Mi', false"
  })
  void theQuantityPatternAcceptsByteQuantitiesOnly(String quantity, boolean valid) {
    assertThat(Pattern.compile(SizeLimits.BYTE_QUANTITY_PATTERN).matcher(quantity).find())
        .isEqualTo(valid);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"cluster-warn-1gi.yaml", "prod-enforce.yaml", "audit-uncompressed-2gi.yaml"})
  void examplesReadIntoTheApiClasses(String file) throws IOException {
    ClusterImagePolicy policy =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples", file)), ClusterImagePolicy.class);
    assertThat(policy.getSpec()).isNotNull();
    assertThat(policy.getSpec().getAction()).isIn((Object[]) PolicyAction.values());
  }

  @Test
  void anImagePolicyRoundTripsThroughTheKubernetesSerialization() throws IOException {
    ImagePolicy policy =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples/team-imagepolicy.yaml")), ImagePolicy.class);
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("team-payments");
    assertThat(policy.getSpec().getOnRegistryError()).isNull();
    String yaml = Serialization.asYaml(policy);
    ImagePolicy again = Serialization.unmarshal(yaml, ImagePolicy.class);
    assertThat(Serialization.asYaml(again)).isEqualTo(yaml);
    assertThat(yaml).contains("maxCompressedSize: \"200Mi\"").doesNotContain("status");
    assertThat(RegistryErrorAction.valueOf("ALLOW")).isNotNull();
  }

  /**
   * Every schema node has a type (or is int-or-string) and every field a description, for kubectl
   * explain; no CEL rules, which 1.20 lacks.
   */
  private static void walk(JSONSchemaProps node, String path, List<String> problems) {
    if (node.getXKubernetesValidations() != null && !node.getXKubernetesValidations().isEmpty()) {
      problems.add(path + ": x-kubernetes-validations (CEL) needs Kubernetes 1.25");
    }
    boolean intOrString = Boolean.TRUE.equals(node.getXKubernetesIntOrString());
    if (node.getType() == null && !intOrString) {
      problems.add(path + ": no type");
    }
    if (node.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> e : node.getProperties().entrySet()) {
        String field = path + "." + e.getKey();
        if (e.getValue().getDescription() == null || e.getValue().getDescription().isBlank()) {
          problems.add(field + ": no description");
        }
        walk(e.getValue(), field, problems);
      }
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      walk(node.getItems().getSchema(), path + "[]", problems);
    }
    if (node.getAdditionalProperties() != null
        && node.getAdditionalProperties().getSchema() != null) {
      walk(node.getAdditionalProperties().getSchema(), path + "{}", problems);
    }
  }

  private static CustomResourceDefinition crd(String file) throws IOException {
    return Serialization.unmarshal(
        Files.readString(Path.of("target/crds", file)), CustomResourceDefinition.class);
  }

  private static JSONSchemaProps schema(String file) throws IOException {
    return crd(file).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  private static JSONSchemaProps spec(String file) throws IOException {
    return schema(file).getProperties().get("spec");
  }
}
