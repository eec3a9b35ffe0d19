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

/**
 * A waiver of policy rules for some workloads and images, granted by the platform team: honoured
 * only in the namespaces the operator trusts ({@code --exception-namespace}).
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Singular("imagepolicyexception")
@Plural("imagepolicyexceptions")
@ShortNames("ipe")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Reason", type = Type.STRING, jsonPath = ".spec.reason")
@AdditionalPrinterColumn(name = "Expires", type = Type.STRING, jsonPath = ".spec.expiresAt")
@AdditionalPrinterColumn(
    name = "Ready",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Why",
    type = Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(
    name = "Matched",
    type = Type.INTEGER,
    jsonPath = ".status.matchedWorkloads")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class ImagePolicyException
    extends CustomResource<ImagePolicyExceptionSpec, ImagePolicyExceptionStatus>
    implements Namespaced {

  public static final String KIND = "ImagePolicyException";

  // Overridden only to mark spec as required in the generated schema.
  @Override
  @Required
  public ImagePolicyExceptionSpec getSpec() {
    return super.getSpec();
  }
}
