package dev.tonnage.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

/** One violation as recorded in a policy's status by the audit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "namespace",
  "kind",
  "name",
  "container",
  "image",
  "digest",
  "platform",
  "rule",
  "actual",
  "limit",
  "message"
})
public class RecordedViolation {

  @JsonPropertyDescription("Namespace of the workload.")
  private String namespace;

  @JsonPropertyDescription("Kind of the workload, e.g. Deployment or Pod.")
  @Required
  private String kind;

  @JsonPropertyDescription("Name of the workload.")
  @Required
  private String name;

  @JsonPropertyDescription("The container (or init container) that runs the image.")
  private String container;

  @JsonPropertyDescription("The image reference as the workload names it.")
  @Required
  private String image;

  @JsonPropertyDescription("The manifest digest the reference resolved to.")
  private String digest;

  @JsonPropertyDescription("os/arch[/variant] of the image manifest that broke the rule.")
  private String platform;

  @JsonPropertyDescription(
      "MAX_COMPRESSED_SIZE, MAX_UNCOMPRESSED_SIZE, MAX_LAYERS, MAX_LAYER_SIZE, MAX_GROWTH,"
          + " BASE_IMAGE_DENIED, BASE_IMAGE_NOT_ALLOWED or BASE_IMAGE_UNKNOWN.")
  @Required
  private String rule;

  @JsonPropertyDescription(
      "What the image has: a size such as 812Mi, a layer count, or its base image.")
  private String actual;

  @JsonPropertyDescription("What the rule allows, e.g. 500Mi or 30 layers.")
  private String limit;

  @JsonPropertyDescription("The violation in one line, as admission warnings word it.")
  private String message;

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public String getPlatform() {
    return platform;
  }

  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public String getRule() {
    return rule;
  }

  public void setRule(String rule) {
    this.rule = rule;
  }

  public String getActual() {
    return actual;
  }

  public void setActual(String actual) {
    this.actual = actual;
  }

  public String getLimit() {
    return limit;
  }

  public void setLimit(String limit) {
    this.limit = limit;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
