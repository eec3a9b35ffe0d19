package dev.tonnage.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** Reads manifest, index and config JSON into typed records, refusing what Tonnage cannot use. */
final class ManifestParser {
  private ManifestParser() {}

  /** An image manifest or an index. */
  sealed interface Parsed permits ImageManifest, ImageIndex {
    String mediaType();
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /**
   * Parses a manifest body. The media type is the body's {@code mediaType}, else the response's
   * Content-Type, else sniffed from the fields (umoci writes OCI manifests without one).
   */
  static Parsed parseManifest(byte[] body, String contentType, ImageReference ref)
      throws InvalidManifestException, UnsupportedMediaTypeException {
    JsonNode tree = readTree(body, ref, "manifest");
    String mediaType = mediaTypeOf(tree, MediaTypes.bare(contentType));
    if (MediaTypes.isSchema1(mediaType) || tree.path("schemaVersion").asInt() == 1) {
      throw new UnsupportedMediaTypeException(
          ref.registry(),
          ref.repository(),
          ref
              + " is a Docker schema 1 manifest, which is deprecated and not supported;"
              + " push the image again with a current docker, buildah, skopeo or crane");
    }
    try {
      if (MediaTypes.INDEXES.contains(mediaType)) {
        ImageIndex index = JSON.treeToValue(tree, ImageIndex.class);
        for (Descriptor entry : index.manifests()) {
          checkDescriptor(entry, ref, "index entry");
        }
        return new ImageIndex(
            index.schemaVersion(), mediaType, index.manifests(), index.annotations());
      }
      if (MediaTypes.IMAGE_MANIFESTS.contains(mediaType)) {
        ImageManifest manifest = JSON.treeToValue(tree, ImageManifest.class);
        if (manifest.config() == null) {
          throw invalid(ref, "the manifest has no config descriptor");
        }
        checkDescriptor(manifest.config(), ref, "config descriptor");
        for (Descriptor layer : manifest.layers()) {
          checkDescriptor(layer, ref, "layer descriptor");
        }
        return new ImageManifest(
            manifest.schemaVersion(),
            mediaType,
            manifest.artifactType(),
            manifest.config(),
            manifest.layers(),
            manifest.annotations());
      }
    } catch (IOException e) {
      throw invalid(ref, "the " + mediaType + " does not have the expected structure");
    }
    throw new UnsupportedMediaTypeException(
        ref.registry(),
        ref.repository(),
        ref
            + " has media type \""
            + mediaType
            + "\", which is not an image manifest or index; Tonnage reads "
            + String.join(", ", MediaTypes.MANIFEST_ACCEPT));
  }

  static ImageConfig parseConfig(byte[] body, ImageReference ref) throws InvalidManifestException {
    JsonNode tree = readTree(body, ref, "image config");
    try {
      return JSON.treeToValue(tree, ImageConfig.class);
    } catch (IOException e) {
      throw invalid(ref, "the image config does not have the expected structure");
    }
  }

  private static JsonNode readTree(byte[] body, ImageReference ref, String what)
      throws InvalidManifestException {
    try {
      JsonNode tree = JSON.readTree(body);
      if (tree == null || !tree.isObject()) {
        throw invalid(ref, "the " + what + " is not a JSON object");
      }
      return tree;
    } catch (IOException e) {
      throw invalid(ref, "the " + what + " is not valid JSON");
    }
  }

  private static String mediaTypeOf(JsonNode tree, String contentType) {
    String declared = tree.path("mediaType").asText("");
    if (!declared.isEmpty()) {
      return declared;
    }
    if (contentType != null
        && (MediaTypes.INDEXES.contains(contentType)
            || MediaTypes.IMAGE_MANIFESTS.contains(contentType)
            || MediaTypes.isSchema1(contentType))) {
      return contentType;
    }
    if (tree.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (tree.has("config") && tree.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    if (tree.has("fsLayers")) {
      return MediaTypes.DOCKER_SCHEMA1;
    }
    return contentType == null ? "(none)" : contentType;
  }

  private static void checkDescriptor(Descriptor d, ImageReference ref, String what)
      throws InvalidManifestException {
    if (!Digests.isValid(d.digest())) {
      throw invalid(ref, "a " + what + " has an invalid digest \"" + d.digest() + "\"");
    }
    if (d.size() < 0) {
      throw invalid(ref, "a " + what + " has a negative size " + d.size());
    }
  }

  private static InvalidManifestException invalid(ImageReference ref, String why) {
    return new InvalidManifestException(
        ref.registry(),
        ref.repository(),
        "cannot read " + ref + ": " + why + "; the registry served a corrupt or foreign document");
  }
}
