package dev.tonnage.testing.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the facts a correct reader must report from the bytes of a pushed image: the manifest
 * and config JSON as pushed and the layers' measured sizes. Never from the spec that made them, so
 * a builder bug cannot hide in matching expectations.
 */
final class ExpectedFacts {

  static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  static final String ATTESTATION = "attestation-manifest";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExpectedFacts() {}

  static PushedImage compute(
      String registry,
      String repository,
      String tag,
      String digest,
      String mediaType,
      byte[] topLevel,
      ImageContent content) {
    JsonNode root = parse(topLevel, digest);
    List<PushedManifest> manifests = new ArrayList<>();
    List<PushedManifest> attestations = new ArrayList<>();
    if (root.has("manifests")) {
      for (JsonNode entry : root.get("manifests")) {
        String childDigest = entry.path("digest").asText();
        ImagePlatform platform = platform(entry.path("platform"));
        PushedManifest child =
            manifest(
                childDigest,
                entry.path("mediaType").asText(null),
                content.manifest(childDigest),
                platform,
                content);
        if (ATTESTATION.equals(entry.path("annotations").path(REFERENCE_TYPE).asText())) {
          attestations.add(child);
        } else {
          manifests.add(child);
        }
      }
    } else {
      manifests.add(manifest(digest, mediaType, topLevel, null, content));
    }
    return new PushedImage(registry, repository, tag, digest, mediaType, manifests, attestations);
  }

  private static PushedManifest manifest(
      String digest,
      String descriptorMediaType,
      byte[] bytes,
      ImagePlatform indexPlatform,
      ImageContent content) {
    JsonNode manifest = parse(bytes, digest);
    String mediaType = manifest.path("mediaType").asText(descriptorMediaType);
    JsonNode configDescriptor = manifest.path("config");
    String configDigest = configDescriptor.path("digest").asText();
    String configMediaType = configDescriptor.path("mediaType").asText();
    long configSize = configDescriptor.path("size").asLong();

    ImagePlatform platform = indexPlatform;
    Map<String, String> labels = Map.of();
    List<String> layerCreators = List.of();
    if (MediaTypes.isImageConfig(configMediaType)) {
      JsonNode config = parse(content.blob(configDigest), configDigest);
      if (platform == null) {
        platform = platform(config);
      }
      labels = strings(config.path("config").path("Labels"));
      layerCreators = layerCreators(config.path("history"));
    }

    List<PushedLayer> layers = new ArrayList<>();
    long compressedSize = configSize;
    int index = 0;
    for (JsonNode layer : manifest.path("layers")) {
      String layerDigest = layer.path("digest").asText();
      String layerMediaType = layer.path("mediaType").asText();
      long size = layer.path("size").asLong();
      List<String> urls = new ArrayList<>();
      layer.path("urls").forEach(url -> urls.add(url.asText()));
      layers.add(
          new PushedLayer(
              layerDigest,
              layerMediaType,
              size,
              content.uncompressedSize(layerDigest, layerMediaType, size),
              index < layerCreators.size() ? layerCreators.get(index) : null,
              urls));
      compressedSize += size;
      index++;
    }
    Map<String, String> annotations = strings(manifest.path("annotations"));
    return new PushedManifest(
        platform,
        digest,
        mediaType,
        configDigest,
        configMediaType,
        configSize,
        compressedSize,
        layers,
        baseImage(annotations, labels),
        labels,
        annotations);
  }

  /** created_by of the history entries that made a layer, in order (null where absent). */
  private static List<String> layerCreators(JsonNode history) {
    List<String> creators = new ArrayList<>();
    for (JsonNode entry : history) {
      if (!entry.path("empty_layer").asBoolean(false)) {
        creators.add(entry.hasNonNull("created_by") ? entry.get("created_by").asText() : null);
      }
    }
    return creators;
  }

  private static DeclaredBaseImage baseImage(
      Map<String, String> annotations, Map<String, String> labels) {
    if (annotations.containsKey(ImageSpec.BASE_NAME)) {
      return new DeclaredBaseImage(
          annotations.get(ImageSpec.BASE_NAME),
          annotations.get(ImageSpec.BASE_DIGEST),
          DeclaredBaseImage.FROM_ANNOTATIONS);
    }
    if (labels.containsKey(ImageSpec.BASE_NAME)) {
      return new DeclaredBaseImage(
          labels.get(ImageSpec.BASE_NAME),
          labels.get(ImageSpec.BASE_DIGEST),
          DeclaredBaseImage.FROM_LABELS);
    }
    return null;
  }

  private static ImagePlatform platform(JsonNode node) {
    if (!node.hasNonNull("os") || !node.hasNonNull("architecture")) {
      return null;
    }
    return new ImagePlatform(
        node.get("os").asText(),
        node.get("architecture").asText(),
        node.path("variant").asText(null));
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    object.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }

  private static JsonNode parse(byte[] bytes, String digest) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("content " + digest + " is not JSON", e);
    }
  }
}
