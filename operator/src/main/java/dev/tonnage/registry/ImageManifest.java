package dev.tonnage.registry;

import java.util.List;
import java.util.Map;

/** A Docker schema 2 or OCI image manifest: one platform's config and layers. */
record ImageManifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Map<String, String> annotations)
    implements ManifestParser.Parsed {

  ImageManifest {
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }
}
