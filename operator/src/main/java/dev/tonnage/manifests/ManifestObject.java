package dev.tonnage.manifests;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Kubernetes object read from a manifest: a YAML or JSON document, or an item of a {@code kind:
 * List} document (which then shares the document's place).
 *
 * @param source the file it came from as given, or {@value ManifestReader#STDIN_NAME}
 * @param document the document's 1-based index in the source
 * @param line the 1-based line the document starts on
 * @param node the object
 */
public record ManifestObject(String source, int document, int line, JsonNode node) {

  /** {@code deploy.yaml:12}: where messages point. */
  public String where() {
    return source + ":" + line;
  }

  /** The object's kind, or "" when it has none. */
  public String kind() {
    return text("kind");
  }

  /** The API group of its apiVersion: "" for the core group ({@code v1}). */
  public String group() {
    String apiVersion = text("apiVersion");
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** The version of its apiVersion. */
  public String version() {
    String apiVersion = text("apiVersion");
    return apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  /** metadata.name, or "" when it has none. */
  public String name() {
    JsonNode name = node.path("metadata").path("name");
    return name.isTextual() ? name.asText() : "";
  }

  /** metadata.namespace, or "" when it has none. */
  public String namespace() {
    JsonNode namespace = node.path("metadata").path("namespace");
    return namespace.isTextual() ? namespace.asText() : "";
  }

  private String text(String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : "";
  }
}
