package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/**
 * A JSON merge patch (RFC 7386) of a generated schema, for {@code @SchemaCustomizer} at CRD
 * generation only: nested objects merge, where the generator's own MergePatchCustomizer replaces
 * every nested map (a patch of one property would drop its siblings).
 */
public final class SchemaMergePatch implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps schema, String patch, KubernetesSerialization serialization) {
    JsonNode merged =
        merge(
            serialization.convertValue(schema, JsonNode.class),
            serialization.unmarshal(patch, JsonNode.class));
    return serialization.convertValue(merged, JSONSchemaProps.class);
  }

  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject() || !target.isObject()) {
      return patch;
    }
    ObjectNode result = ((ObjectNode) target).deepCopy();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      JsonNode existing = result.get(field.getKey());
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(
            field.getKey(),
            existing == null ? field.getValue() : merge(existing, field.getValue()));
      }
    }
    return result;
  }
}
