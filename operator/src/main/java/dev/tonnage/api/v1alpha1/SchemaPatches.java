package dev.tonnage.api.v1alpha1;

/**
 * JSON merge patches for the generated CRD schemas, applied by {@link SchemaMergePatch} through the
 * crd-generator's {@code @SchemaCustomizer}: what its annotations cannot say. They describe the
 * fields of fabric8's model types ({@code LabelSelector}, {@code Condition}) so that {@code kubectl
 * explain} explains every field, make {@code status.conditions} a list-map keyed by type, and
 * refuse a namespaceSelector in the namespaced ImagePolicy's own schema.
 */
final class SchemaPatches {

  private static final String SELECTOR_FIELDS =
      """
      {"properties": {
        "matchLabels": {"description": "Labels that must all be present with these values."},
        "matchExpressions": {
          "description": "Requirements on labels; all must hold.",
          "items": {"properties": {
            "key": {"description": "The label key the requirement applies to."},
            "operator": {"description": "In, NotIn, Exists or DoesNotExist."},
            "values": {"description": "The values for In and NotIn; empty otherwise."}
          }}}}}""";

  /** Descriptions of both label selectors of {@link PolicyMatch}. */
  static final String MATCH =
      "{\"properties\": {\"namespaceSelector\": "
          + SELECTOR_FIELDS
          + ", \"objectSelector\": "
          + SELECTOR_FIELDS
          + "}}";

  /** Conditions as a list-map keyed by type (one condition per type), with descriptions. */
  static final String STATUS =
      """
      {"properties": {"conditions": {
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
        "items": {
          "required": ["type", "status"],
          "properties": {
            "type": {"description": "The condition's type, e.g. Ready; one condition per type."},
            "status": {"description": "True, False or Unknown."},
            "reason": {"description": "Why, in CamelCase, e.g. InvalidSpec."},
            "message": {"description": "What happened and what to do, for people."},
            "lastTransitionTime": {"description": "When status last changed (RFC 3339)."},
            "observedGeneration": {"description": "The metadata.generation it describes."}
          }}}}}""";

  private static final String PURPOSE =
      " the size, layers and base images of the container images workloads may run."
          + " Tonnage measures each image in its registry, then denies, warns about or reports"
          + " a workload that breaks the policy (spec.action), and audits what already runs"
          + " (status).";

  /** The ClusterImagePolicy's root description. */
  static final String CLUSTER_IMAGE_POLICY =
      "{\"description\": \"A ClusterImagePolicy limits, in every namespace its"
          + " spec.match.namespaceSelector selects,"
          + PURPOSE
          + "\"}";

  /** The ImagePolicy's root description, and spec.match.namespaceSelector refused. */
  static final String IMAGE_POLICY =
      "{\"description\": \"An ImagePolicy limits, in its own namespace only,"
          + PURPOSE
          + "\", \"properties\": {\"spec\": {\"properties\": {\"match\": {\"properties\":"
          + " {\"namespaceSelector\": {\"description\": \"Not allowed in an ImagePolicy, which"
          + " applies only in its own namespace; a ClusterImagePolicy selects namespaces.\","
          + " \"not\": {}}}}}}}}";

  private SchemaPatches() {}
}
