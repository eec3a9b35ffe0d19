package dev.tonnage.registry;

import java.util.List;
import java.util.Map;

/** An OCI image index or Docker manifest list: one entry per platform (plus attestations). */
record ImageIndex(
    int schemaVersion,
    String mediaType,
    List<Descriptor> manifests,
    Map<String, String> annotations)
    implements ManifestParser.Parsed {

  static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  static final String ATTESTATION = "attestation-manifest";

  /** The name of an entry of an OCI layout's index.json: the TAG of {@code oci:DIR:TAG}. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  ImageIndex {
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** Entries that are platform images: attestations, nested indexes and artifacts left out. */
  List<Descriptor> imageEntries() {
    return manifests.stream()
        .filter(d -> d.mediaType() != null && MediaTypes.IMAGE_MANIFESTS.contains(d.mediaType()))
        .filter(d -> !ATTESTATION.equals(d.annotations().get(REFERENCE_TYPE)))
        .filter(d -> d.platform() == null || !d.platform().toPlatform().isUnknown())
        .toList();
  }
}
