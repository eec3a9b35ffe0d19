package dev.tonnage.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads manifest, index and config JSON into typed records, refusing what Tonnage cannot use. */
final class ManifestParser {
  private ManifestParser() {}

  /** An image manifest or an index. */
  sealed interface Parsed permits ImageManifest, ImageIndex {
    String mediaType();
  }

  /** Manifests nest 4 levels, indexes 5: 64 is far beyond any real document. */
  static final int MAX_NESTING_DEPTH = 64;

  /** Sizes are int64 (19 digits); a longer number is no size. */
  static final int MAX_NUMBER_LENGTH = 32;

  /** Long enough for any created_by or label a config carries; the body cap bounds the rest. */
  static final int MAX_STRING_LENGTH = 1024 * 1024;

  /** Annotation and label keys are reverse-DNS names, far shorter. */
  static final int MAX_NAME_LENGTH = 1024;

  /** Layers of one manifest: overlay filesystems stop near 128; twice that is no real image. */
  static final int MAX_LAYERS = 256;

  /** Entries of one index: platforms plus attestations are a few dozen in practice. */
  static final int MAX_INDEX_ENTRIES = 256;

  // "sha512:" and 128 hex digits.
  private static final int MAX_DIGEST_LENGTH = 135;

  /** How much of a registry-supplied string an error message quotes. */
  private static final int QUOTED = 100;

  /** The annotations Tonnage reads; all others are dropped while parsing. */
  private static final Set<String> KEPT_ANNOTATIONS = keptAnnotations();

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(MAX_STRING_LENGTH)
                          .maxNameLength(MAX_NAME_LENGTH)
                          .build())
                  .build())
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
        checkCount(tree, "manifests", MAX_INDEX_ENTRIES, ref);
        ImageIndex index = JSON.treeToValue(tree, ImageIndex.class);
        for (Descriptor entry : index.manifests()) {
          checkDescriptor(entry, ref, "index entry");
        }
        return new ImageIndex(
            index.schemaVersion(), mediaType, kept(index.manifests()), kept(index.annotations()));
      }
      if (MediaTypes.IMAGE_MANIFESTS.contains(mediaType)) {
        checkCount(tree, "layers", MAX_LAYERS, ref);
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
            kept(manifest.config()),
            kept(manifest.layers()),
            kept(manifest.annotations()));
      }
    } catch (IOException e) {
      throw invalid(ref, "the " + quoted(mediaType) + " does not have the expected structure");
    }
    throw new UnsupportedMediaTypeException(
        ref.registry(),
        ref.repository(),
        ref
            + " has media type \""
            + quoted(mediaType)
            + "\", which is not an image manifest or index; Tonnage reads "
            + String.join(", ", MediaTypes.MANIFEST_ACCEPT));
  }

  /**
   * Parses the {@code manifest.json} of a {@code docker save} archive: one entry per image saved,
   * each naming its config and layer files inside the archive.
   */
  static List<DockerSaveManifest> parseDockerSave(byte[] body, ImageReference ref)
      throws InvalidManifestException {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      throw invalid(ref, "manifest.json is over a parsing limit: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(ref, "manifest.json is not valid JSON");
    }
    if (tree == null || !tree.isArray()) {
      throw invalid(ref, "manifest.json is not a JSON array");
    }
    if (tree.size() > MAX_INDEX_ENTRIES) {
      throw invalid(
          ref,
          "manifest.json lists "
              + tree.size()
              + " images; Tonnage reads at most "
              + MAX_INDEX_ENTRIES);
    }
    List<DockerSaveManifest> images = new ArrayList<>();
    for (JsonNode entry : tree) {
      checkCount(entry, "Layers", MAX_LAYERS, ref);
      checkCount(entry, "RepoTags", MAX_INDEX_ENTRIES, ref);
      try {
        DockerSaveManifest image = JSON.treeToValue(entry, DockerSaveManifest.class);
        if (image == null || image.config() == null) {
          throw invalid(ref, "an entry of manifest.json names no Config");
        }
        images.add(image);
      } catch (IOException e) {
        throw invalid(ref, "manifest.json does not have the expected structure");
      }
    }
    return images;
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
    } catch (StreamConstraintsException e) {
      // Jackson's message names the limit, e.g. "nesting depth (65) exceeds the maximum (64)".
      throw invalid(ref, "the " + what + " is over a parsing limit: " + e.getOriginalMessage());
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
    if (d == null) {
      throw invalid(ref, "a " + what + " is null");
    }
    if (d.digest() == null
        || d.digest().length() > MAX_DIGEST_LENGTH
        || !Digests.isValid(d.digest())) {
      throw invalid(ref, "a " + what + " has an invalid digest \"" + quoted(d.digest()) + "\"");
    }
    if (d.size() < 0) {
      throw invalid(ref, "a " + what + " has a negative size " + d.size());
    }
  }

  /** Refuses an over-long array before it is bound to records. */
  private static void checkCount(JsonNode tree, String field, int max, ImageReference ref)
      throws InvalidManifestException {
    JsonNode array = tree.path(field);
    if (array.isArray() && array.size() > max) {
      throw invalid(
          ref, "\"" + field + "\" has " + array.size() + " entries; Tonnage reads at most " + max);
    }
  }

  private static List<Descriptor> kept(List<Descriptor> descriptors) {
    List<Descriptor> result = new ArrayList<>(descriptors.size());
    for (Descriptor d : descriptors) {
      result.add(kept(d));
    }
    return result;
  }

  private static Descriptor kept(Descriptor d) {
    return new Descriptor(
        d.mediaType(),
        d.digest(),
        d.size(),
        kept(d.annotations()),
        d.platform(),
        List.of(),
        d.artifactType());
  }

  /** Only the annotations Tonnage reads, so nothing else a registry wrote is carried along. */
  private static Map<String, String> kept(Map<String, String> annotations) {
    Map<String, String> result = new HashMap<>();
    for (String key : KEPT_ANNOTATIONS) {
      String value = annotations.get(key);
      if (value != null) {
        result.put(key, value);
      }
    }
    return result;
  }

  private static Set<String> keptAnnotations() {
    List<String> keys = new ArrayList<>();
    keys.add(FactsAssembler.BASE_NAME);
    keys.add(FactsAssembler.BASE_DIGEST);
    keys.add(ImageIndex.REFERENCE_TYPE);
    keys.add(ImageIndex.REF_NAME);
    keys.addAll(UncompressedSizes.SIZE_ANNOTATIONS);
    keys.addAll(UncompressedSizes.SEEKABLE_FORMAT_ANNOTATIONS);
    return Set.copyOf(keys);
  }

  /** {@code text}, cut to a length fit for a message. */
  static String quoted(String text) {
    if (text == null || text.length() <= QUOTED) {
      return text;
    }
    return text.substring(0, QUOTED) + "... (" + text.length() + " characters)";
  }

  private static InvalidManifestException invalid(ImageReference ref, String why) {
    return new InvalidManifestException(
        ref.registry(),
        ref.repository(),
        "cannot read " + ref + ": " + why + "; the registry served a corrupt or foreign document");
  }
}
