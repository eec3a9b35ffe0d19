package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
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
@SchemaCustomizer(value = SchemaMergePatch.class, input = SchemaPatches.IMAGE_POLICY)
// The generator orders printer columns by jsonPath: the recursive ".." (each name occurs once,
// at the place named) sorts before ".metadata", so kubectl shows NAME READY ACTION MAX SIZE
// VIOLATIONS AGE, AGE last as for built-in kinds.
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
public class ImagePolicy extends CustomResource<ImagePolicySpec, ImagePolicyStatus>
    implements Namespaced {

  public static final String KIND = "ImagePolicy";

  static final String SPEC =
      "What the policy checks (match, exclude, limits, baseImages, platforms) and what it does"
          + " with a workload that breaks it (action, onRegistryError, annotate).";

  // Overridden only to mark spec as required and to describe spec and status in the schema.
  @Override
  @Required
  @JsonPropertyDescription(SPEC)
  public ImagePolicySpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(ImagePolicyStatus.DESCRIPTION)
  public ImagePolicyStatus getStatus() {
    return super.getStatus();
  }
}
