package dev.tonnage.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Patch that sets annotations on an object and on its pod template. Only what differs is
 * patched, so a second invocation on the patched object (reinvocationPolicy: IfNeeded) yields no
 * patch at all; missing {@code annotations} maps and template metadata are added whole.
 */
public final class AnnotationPatch {

  private final ObjectMapper mapper;

  public AnnotationPatch(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The patch as JSON text, or null when the object already carries every annotation.
   *
   * @param object the object as the API server sent it
   * @param templatePath field names from the object to its pod template; empty for a Pod
   * @param annotations the annotations to set
   */
  public String build(JsonNode object, List<String> templatePath, Map<String, String> annotations) {
    Map<String, String> sorted = new TreeMap<>(annotations);
    ArrayNode ops = mapper.createArrayNode();
    addOps(ops, object.path("metadata"), "/metadata", sorted);
    if (!templatePath.isEmpty()) {
      JsonNode template = object;
      StringBuilder pointer = new StringBuilder();
      for (String field : templatePath) {
        template = template.path(field);
        pointer.append('/').append(escape(field));
      }
      // Without a template there is nothing the Pods would inherit; schema validation refuses it.
      if (template.isObject()) {
        addOps(ops, template.path("metadata"), pointer + "/metadata", sorted);
      }
    }
    return ops.isEmpty() ? null : ops.toString();
  }

  private void addOps(
      ArrayNode ops, JsonNode metadata, String metadataPointer, Map<String, String> annotations) {
    if (!metadata.isObject()) {
      ObjectNode value = mapper.createObjectNode();
      value.set("annotations", toObject(annotations));
      add(ops, metadataPointer, value);
      return;
    }
    JsonNode existing = metadata.path("annotations");
    if (!existing.isObject()) {
      add(ops, metadataPointer + "/annotations", toObject(annotations));
      return;
    }
    annotations.forEach(
        (key, value) -> {
          JsonNode current = existing.get(key);
          if (current == null || !current.isTextual() || !current.asText().equals(value)) {
            // "add" replaces an existing member, so it serves for both new and changed values.
            add(
                ops,
                metadataPointer + "/annotations/" + escape(key),
                mapper.getNodeFactory().textNode(value));
          }
        });
  }

  private ObjectNode toObject(Map<String, String> annotations) {
    ObjectNode node = mapper.createObjectNode();
    annotations.forEach(node::put);
    return node;
  }

  private void add(ArrayNode ops, String path, JsonNode value) {
    ObjectNode op = ops.addObject();
    op.put("op", "add");
    op.put("path", path);
    op.set("value", value);
  }

  /** RFC 6901: '~' is written ~0 and '/' is written ~1 in a JSON Pointer token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
