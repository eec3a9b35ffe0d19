package dev.tonnage.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the admitted object of a review into a {@link Workload}. Tolerant by design: mutating
 * webhooks run before schema validation, so fields may be missing or of the wrong type; a container
 * without an image is left out rather than failing the review.
 */
public final class WorkloadReader {

  /** The object kind the ephemeralcontainers subresource took before Kubernetes 1.22. */
  static final String EPHEMERAL_CONTAINERS_KIND = "EphemeralContainers";

  /**
   * The workload of {@code request}'s object (or of {@code object} when given, e.g. oldObject), or
   * empty when the kind is not one Tonnage admits.
   */
  public Optional<Workload> read(AdmissionRequest request, JsonNode object) {
    if (object == null) {
      return Optional.empty();
    }
    if (request.group().isEmpty() && EPHEMERAL_CONTAINERS_KIND.equals(request.kind())) {
      return Optional.of(readEphemeralContainers(request, object));
    }
    return WorkloadKind.of(request.group(), request.kind())
        .map(kind -> readWorkload(kind, request, object));
  }

  private Workload readWorkload(WorkloadKind kind, AdmissionRequest request, JsonNode object) {
    JsonNode template = object;
    for (String field : kind.templatePath()) {
      template = template.path(field);
    }
    JsonNode metadata = object.path("metadata");
    JsonNode spec = template.path("spec");
    PodTemplate podTemplate =
        new PodTemplate(
            stringMap(template.path("metadata").path("labels")),
            containers(spec),
            scheduling(spec),
            serviceAccount(spec),
            pullSecrets(spec));
    return new Workload(
        kind,
        namespace(request, metadata),
        name(request, metadata),
        stringMap(metadata.path("labels")),
        stringMap(metadata.path("annotations")),
        podTemplate);
  }

  /** Kubernetes 1.16-1.21: the subresource's object lists only the ephemeral containers. */
  private Workload readEphemeralContainers(AdmissionRequest request, JsonNode object) {
    JsonNode metadata = object.path("metadata");
    List<ContainerImage> containers = new ArrayList<>();
    addContainers(object.path("ephemeralContainers"), ContainerImage.Type.EPHEMERAL, containers);
    PodTemplate template =
        new PodTemplate(
            stringMap(metadata.path("labels")),
            containers,
            PodScheduling.ANY,
            "default",
            List.of());
    return new Workload(
        WorkloadKind.POD,
        namespace(request, metadata),
        name(request, metadata),
        stringMap(metadata.path("labels")),
        stringMap(metadata.path("annotations")),
        template);
  }

  private static List<ContainerImage> containers(JsonNode spec) {
    List<ContainerImage> containers = new ArrayList<>();
    addContainers(spec.path("initContainers"), ContainerImage.Type.INIT, containers);
    addContainers(spec.path("containers"), ContainerImage.Type.CONTAINER, containers);
    addContainers(spec.path("ephemeralContainers"), ContainerImage.Type.EPHEMERAL, containers);
    return containers;
  }

  private static void addContainers(
      JsonNode list, ContainerImage.Type type, List<ContainerImage> into) {
    for (JsonNode container : list) {
      String image = text(container, "image").trim();
      if (!image.isEmpty()) {
        into.add(new ContainerImage(text(container, "name"), type, image));
      }
    }
  }

  private static PodScheduling scheduling(JsonNode spec) {
    Map<String, String> nodeSelector = new LinkedHashMap<>();
    stringMap(spec.path("nodeSelector"))
        .forEach(
            (key, value) -> {
              if (isPlatformLabel(key)) {
                nodeSelector.put(key, value);
              }
            });
    List<List<PodScheduling.NodeRequirement>> terms = new ArrayList<>();
    JsonNode required =
        spec.path("affinity")
            .path("nodeAffinity")
            .path("requiredDuringSchedulingIgnoredDuringExecution")
            .path("nodeSelectorTerms");
    for (JsonNode term : required) {
      List<PodScheduling.NodeRequirement> requirements = new ArrayList<>();
      for (JsonNode expression : term.path("matchExpressions")) {
        String key = text(expression, "key");
        if (isPlatformLabel(key)) {
          List<String> values = new ArrayList<>();
          expression.path("values").forEach(v -> values.add(v.asText()));
          requirements.add(
              new PodScheduling.NodeRequirement(key, text(expression, "operator"), values));
        }
      }
      // A term without platform requirements admits every platform, and terms are OR'ed.
      if (requirements.isEmpty()) {
        return new PodScheduling(nodeSelector, List.of());
      }
      terms.add(requirements);
    }
    return new PodScheduling(nodeSelector, terms);
  }

  private static boolean isPlatformLabel(String key) {
    return PodScheduling.ARCH_LABEL.equals(key) || PodScheduling.OS_LABEL.equals(key);
  }

  private static String serviceAccount(JsonNode spec) {
    String name = text(spec, "serviceAccountName");
    if (name.isEmpty()) {
      name = text(spec, "serviceAccount");
    }
    return name.isEmpty() ? "default" : name;
  }

  private static List<String> pullSecrets(JsonNode spec) {
    List<String> names = new ArrayList<>();
    for (JsonNode secret : spec.path("imagePullSecrets")) {
      String name = text(secret, "name");
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  private static String namespace(AdmissionRequest request, JsonNode metadata) {
    return request.namespace().isEmpty() ? text(metadata, "namespace") : request.namespace();
  }

  private static String name(AdmissionRequest request, JsonNode metadata) {
    if (!request.name().isEmpty()) {
      return request.name();
    }
    String name = text(metadata, "name");
    return name.isEmpty() ? text(metadata, "generateName") : name;
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node.isObject()) {
      node.properties()
          .forEach(
              entry -> {
                if (entry.getValue().isTextual()) {
                  map.put(entry.getKey(), entry.getValue().asText());
                }
              });
    }
    return map;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : "";
  }
}
