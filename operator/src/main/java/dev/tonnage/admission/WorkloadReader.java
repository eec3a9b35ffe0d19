package dev.tonnage.admission;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.policy.ContainerImage;
import dev.tonnage.policy.PlatformConstraints;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the admitted object of a review into a {@link Workload}: finds the pod template of the
 * kind, reads its spec as a fabric8 {@link PodSpec} and takes containers and platforms from it
 * exactly as the audit does from running Pods. A spec that cannot be read (mutating webhooks run
 * before schema validation) yields no workload, and the object is not checked: the API server
 * refuses it anyway.
 */
public final class WorkloadReader {

  /** The object kind the ephemeralcontainers subresource took before Kubernetes 1.22. */
  static final String EPHEMERAL_CONTAINERS_KIND = "EphemeralContainers";

  private static final TypeReference<List<EphemeralContainer>> EPHEMERAL_CONTAINERS =
      new TypeReference<>() {};

  private final ObjectMapper mapper;

  public WorkloadReader(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The workload of {@code object} (the request's object or oldObject), or empty when its kind is
   * not one Tonnage admits or its spec cannot be read.
   */
  public Optional<Workload> read(AdmissionRequest request, JsonNode object) {
    if (object == null) {
      return Optional.empty();
    }
    try {
      if (request.group().isEmpty() && EPHEMERAL_CONTAINERS_KIND.equals(request.kind())) {
        return Optional.of(readEphemeralContainers(request, object));
      }
      return WorkloadKind.of(request.group(), request.kind())
          .map(kind -> readWorkload(kind, request, object));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private Workload readWorkload(WorkloadKind kind, AdmissionRequest request, JsonNode object) {
    JsonNode template = object;
    for (String field : kind.templatePath()) {
      template = template.path(field);
    }
    JsonNode spec = template.path("spec");
    PodSpec podSpec = spec.isObject() ? mapper.convertValue(spec, PodSpec.class) : new PodSpec();
    return workload(
        kind, request, object, stringMap(template.path("metadata").path("labels")), podSpec);
  }

  /** Kubernetes 1.16-1.21: the subresource's object lists only the ephemeral containers. */
  private Workload readEphemeralContainers(AdmissionRequest request, JsonNode object) {
    PodSpec podSpec =
        new PodSpecBuilder()
            .withEphemeralContainers(
                mapper.convertValue(object.path("ephemeralContainers"), EPHEMERAL_CONTAINERS))
            .build();
    return workload(
        WorkloadKind.POD,
        request,
        object,
        stringMap(object.path("metadata").path("labels")),
        podSpec);
  }

  private static Workload workload(
      WorkloadKind kind,
      AdmissionRequest request,
      JsonNode object,
      Map<String, String> templateLabels,
      PodSpec spec) {
    JsonNode metadata = object.path("metadata");
    PodTemplate template =
        new PodTemplate(
            templateLabels,
            ContainerImage.of(spec),
            PlatformConstraints.of(spec),
            serviceAccount(spec),
            pullSecrets(spec));
    return new Workload(
        kind,
        namespace(request, metadata),
        name(request, metadata),
        stringMap(metadata.path("labels")),
        stringMap(metadata.path("annotations")),
        template);
  }

  private static String serviceAccount(PodSpec spec) {
    String name = spec.getServiceAccountName();
    if (name == null || name.isEmpty()) {
      name = spec.getServiceAccount();
    }
    return name == null || name.isEmpty() ? "default" : name;
  }

  private static List<String> pullSecrets(PodSpec spec) {
    List<String> names = new ArrayList<>();
    if (spec.getImagePullSecrets() != null) {
      for (LocalObjectReference secret : spec.getImagePullSecrets()) {
        if (secret != null && secret.getName() != null && !secret.getName().isEmpty()) {
          names.add(secret.getName());
        }
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

  /** The string values of a mapping such as metadata.labels; other values are passed over. */
  public static Map<String, String> stringMap(JsonNode node) {
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
