package dev.tonnage.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A namespaced policy: applies only to workloads in its own namespace. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Singular("imagepolicy")
@Plural("imagepolicies")
@ShortNames("imp")
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
public class ImagePolicy extends CustomResource<ImagePolicySpec, ImagePolicyStatus>
    implements Namespaced {

  public static final String KIND = "ImagePolicy";

  // Overridden only to mark spec as required in the generated schema.
  @Override
  @Required
  public ImagePolicySpec getSpec() {
    return super.getSpec();
  }
}
