package dev.tonnage.registry;

import java.util.List;
import java.util.Set;

/** The media types Tonnage reads or recognizes, and what each kind of layer compression is. */
final class MediaTypes {
  private MediaTypes() {}

  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Sent as Accept on every manifest request, most preferred first. */
  static final List<String> MANIFEST_ACCEPT =
      List.of(OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  static final Set<String> IMAGE_CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);

  /** How a layer blob is compressed, from its media type. */
  enum Compression {
    GZIP,
    ZSTD,
    NONE,
    UNKNOWN
  }

  static Compression compressionOf(String layerMediaType) {
    if (layerMediaType == null) {
      return Compression.UNKNOWN;
    }
    String type = layerMediaType.trim();
    if (type.endsWith("+gzip") || type.endsWith(".tar.gzip")) {
      return Compression.GZIP;
    }
    if (type.endsWith("+zstd") || type.endsWith(".tar.zstd")) {
      return Compression.ZSTD;
    }
    if (type.endsWith(".tar") || type.endsWith("v1.tar")) {
      return Compression.NONE;
    }
    return Compression.UNKNOWN;
  }

  static boolean isSchema1(String mediaType) {
    return DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType);
  }

  /** Docker foreign layers live outside the registry (their descriptor has URLs). */
  static boolean isForeignLayer(String layerMediaType) {
    return layerMediaType != null
        && (layerMediaType.contains(".foreign.") || layerMediaType.contains(".nondistributable."));
  }

  /** {@code application/json; charset=utf-8} -> {@code application/json}. */
  static String bare(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }
}
