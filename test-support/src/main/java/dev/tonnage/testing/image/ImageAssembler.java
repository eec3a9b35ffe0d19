package dev.tonnage.testing.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns specs into manifest, index and config JSON, adding every upload to a {@link PushPlan}. */
final class ImageAssembler {

  /** Fixed, so equal specs give equal digests. */
  static final String CREATED = "2024-01-01T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A manifest assembled into the plan, and the platform its index entry declares. */
  record Assembled(String digest, String mediaType, byte[] content, ImagePlatform platform) {}

  private final PushPlan plan;

  ImageAssembler(PushPlan plan) {
    this.plan = plan;
  }

  Assembled image(ImageSpec spec, ManifestFormat format) {
    if (!format.isOci() && !spec.annotations().isEmpty()) {
      throw new IllegalArgumentException(
          "Docker schema2 manifests carry no annotations; use ManifestFormat.OCI for "
              + spec.annotations().keySet()
              + " (base image annotations: BaseImageSource.LABELS works with Docker)");
    }
    List<LayerSpec> layerSpecs = new ArrayList<>();
    ArrayNode diffIds = JSON.createArrayNode();
    ArrayNode history = JSON.createArrayNode();
    for (ImageSpec.Step step : spec.steps()) {
      ObjectNode entry = history.addObject();
      entry.put("created", CREATED);
      if (step.createdBy() != null) {
        entry.put("created_by", step.createdBy());
      }
      if (step.layer() == null) {
        entry.put("empty_layer", true);
      } else {
        layerSpecs.add(step.layer());
        diffIds.add(step.layer().build().diffId());
      }
    }

    ObjectNode config = JSON.createObjectNode();
    config.put("created", CREATED);
    config.put("architecture", spec.platform().architecture());
    if (spec.platform().variant() != null) {
      config.put("variant", spec.platform().variant());
    }
    config.put("os", spec.platform().os());
    ObjectNode runtime = config.putObject("config");
    ArrayNode env = runtime.putArray("Env");
    spec.env().forEach(env::add);
    if (!spec.labels().isEmpty()) {
      putStrings(runtime.putObject("Labels"), spec.labels());
    }
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", diffIds);
    if (spec.writeHistory()) {
      config.set("history", history);
    }
    Blob configBlob = Blob.of(bytes(config));
    plan.addBlob(configBlob);

    ObjectNode manifest = manifestHead(format.manifestMediaType(), format.writesMediaTypeField());
    manifest.set("config", descriptor(format.configMediaType(), configBlob));
    ArrayNode layers = manifest.putArray("layers");
    for (LayerSpec layerSpec : layerSpecs) {
      BuiltLayer built = layerSpec.build();
      plan.addLayer(built, !layerSpec.isForeign());
      ObjectNode layer = descriptor(layerSpec.mediaType(format), built.blob());
      if (layerSpec.isForeign()) {
        ArrayNode urls = layer.putArray("urls");
        layerSpec.urls().forEach(urls::add);
      }
      if (format.isOci() && !layerSpec.annotations().isEmpty()) {
        putStrings(layer.putObject("annotations"), layerSpec.annotations());
      }
      layers.add(layer);
    }
    if (!spec.annotations().isEmpty()) {
      putStrings(manifest.putObject("annotations"), spec.annotations());
    }
    return add(format.manifestMediaType(), manifest, spec.platform());
  }

  /** A BuildKit-style provenance attestation for {@code subject}. */
  Assembled attestation(Assembled subject, String subjectName) {
    ObjectNode statement = JSON.createObjectNode();
    statement.put("_type", "https://in-toto.io/Statement/v0.1");
    statement.put("predicateType", "https://slsa.dev/provenance/v0.2");
    ObjectNode subjectNode = statement.putArray("subject").addObject();
    subjectNode.put("name", "pkg:docker/" + subjectName + "?platform=" + subject.platform());
    subjectNode.putObject("digest").put("sha256", subject.digest().substring("sha256:".length()));
    ObjectNode predicate = statement.putObject("predicate");
    predicate.putObject("builder").put("id", "");
    predicate.put("buildType", "https://mobyproject.org/buildkit@v1");
    Blob statementBlob = Blob.of(bytes(statement));
    plan.addUncompressedLayer(statementBlob);

    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "unknown");
    config.put("os", "unknown");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(statementBlob.digest());
    Blob configBlob = Blob.of(bytes(config));
    plan.addBlob(configBlob);

    ObjectNode manifest = manifestHead(MediaTypes.OCI_MANIFEST, true);
    manifest.set("config", descriptor(MediaTypes.OCI_CONFIG, configBlob));
    ObjectNode layer = descriptor(MediaTypes.IN_TOTO, statementBlob);
    layer
        .putObject("annotations")
        .put("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2");
    manifest.putArray("layers").add(layer);
    return add(MediaTypes.OCI_MANIFEST, manifest, ImagePlatform.UNKNOWN);
  }

  Assembled index(IndexSpec spec, String subjectName) {
    ManifestFormat format = spec.format();
    if (!format.isOci() && !spec.annotations().isEmpty()) {
      throw new IllegalArgumentException("Docker manifest lists carry no annotations");
    }
    List<Assembled> images = new ArrayList<>();
    for (ImageSpec image : spec.images()) {
      images.add(image(image, format));
    }
    ObjectNode index = manifestHead(format.indexMediaType(), format.writesMediaTypeField());
    ArrayNode manifests = index.putArray("manifests");
    for (Assembled image : images) {
      manifests.add(indexEntry(image));
    }
    if (spec.attestations()) {
      for (Assembled image : images) {
        ObjectNode entry = indexEntry(attestation(image, subjectName));
        ObjectNode annotations = entry.putObject("annotations");
        annotations.put("vnd.docker.reference.digest", image.digest());
        annotations.put(ExpectedFacts.REFERENCE_TYPE, ExpectedFacts.ATTESTATION);
        manifests.add(entry);
      }
    }
    if (!spec.annotations().isEmpty()) {
      putStrings(index.putObject("annotations"), spec.annotations());
    }
    return add(format.indexMediaType(), index, null);
  }

  Assembled artifact(ArtifactSpec spec) {
    Blob config = Blob.of(spec.config());
    plan.addBlob(config);
    ObjectNode manifest = manifestHead(MediaTypes.OCI_MANIFEST, true);
    manifest.set("config", descriptor(spec.configMediaType(), config));
    ArrayNode layers = manifest.putArray("layers");
    for (ArtifactSpec.ArtifactLayer layer : spec.layers()) {
      Blob blob = Blob.of(layer.content());
      plan.addUncompressedLayer(blob);
      layers.add(descriptor(layer.mediaType(), blob));
    }
    return add(MediaTypes.OCI_MANIFEST, manifest, null);
  }

  private Assembled add(String mediaType, ObjectNode json, ImagePlatform platform) {
    byte[] content = bytes(json);
    String digest = Sha256.digest(content);
    plan.addManifest(new PushPlan.ManifestUpload(digest, mediaType, content));
    return new Assembled(digest, mediaType, content, platform);
  }

  private static ObjectNode indexEntry(Assembled manifest) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("mediaType", manifest.mediaType());
    entry.put("digest", manifest.digest());
    entry.put("size", manifest.content().length);
    ObjectNode platform = entry.putObject("platform");
    platform.put("architecture", manifest.platform().architecture());
    platform.put("os", manifest.platform().os());
    if (manifest.platform().variant() != null) {
      platform.put("variant", manifest.platform().variant());
    }
    return entry;
  }

  private static ObjectNode manifestHead(String mediaType, boolean writeMediaType) {
    ObjectNode head = JSON.createObjectNode();
    head.put("schemaVersion", 2);
    if (writeMediaType) {
      head.put("mediaType", mediaType);
    }
    return head;
  }

  private static ObjectNode descriptor(String mediaType, Blob blob) {
    ObjectNode descriptor = JSON.createObjectNode();
    descriptor.put("mediaType", mediaType);
    descriptor.put("size", blob.size());
    descriptor.put("digest", blob.digest());
    return descriptor;
  }

  private static void putStrings(ObjectNode target, Map<String, String> values) {
    values.forEach(target::put);
  }

  private static byte[] bytes(ObjectNode json) {
    try {
      return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + json, e);
    }
  }
}
