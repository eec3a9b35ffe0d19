package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster-scoped policy: applies to workloads in every namespace its namespaceSelector matches.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Singular("clusterimagepolicy")
@Plural("clusterimagepolicies")
@ShortNames("cimp")
@Categories(ApiGroup.CATEGORY)
@SchemaCustomizer(value = SchemaMergePatch.class, input = SchemaPatches.CLUSTER_IMAGE_POLICY)
// The columns of ImagePolicy, in the same order (see there why "..").
@AdditionalPrinterColumn(
    name = "Ready",
    type = Type.STRING,
    jsonPath = "..conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Action", type = Type.STRING, jsonPath = "..spec.action")
@AdditionalPrinterColumn(
    name = "Max Size",
    type = Type.STRING,
    jsonPath = "..spec.limits.maxCompressedSize")
@AdditionalPrinterColumn(
    name = "Violations",
    type = Type.INTEGER,
    jsonPath = "..summary.violations")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class ClusterImagePolicy extends CustomResource<ImagePolicySpec, ImagePolicyStatus> {

  public static final String KIND = "ClusterImagePolicy";

  // Overridden only to mark spec as required and to describe spec and status in the schema.
  @Override
  @Required
  @JsonPropertyDescription(ImagePolicy.SPEC)
  public ImagePolicySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(ImagePolicyStatus.DESCRIPTION)
  public ImagePolicyStatus getStatus() {
    return super.getStatus();
  }
}
