package dev.tonnage.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
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
@AdditionalPrinterColumn(name = "Action", type = Type.STRING, jsonPath = ".spec.action")
@AdditionalPrinterColumn(
    name = "Max Size",
    type = Type.STRING,
    jsonPath = ".spec.limits.maxCompressedSize")
@AdditionalPrinterColumn(
    name = "Violations",
    type = Type.INTEGER,
    jsonPath = ".status.summary.violations")
@AdditionalPrinterColumn(
    name = "Ready",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class ClusterImagePolicy extends CustomResource<ImagePolicySpec, ImagePolicyStatus> {

  public static final String KIND = "ClusterImagePolicy";

  // Overridden only to mark spec as required in the generated schema.
  @Override
  @Required
  public ImagePolicySpec getSpec() {
    return super.getSpec();
  }
}
