package dev.tonnage.testing.image;

import java.util.List;

/** Media types of the manifests, configs and layers the fixtures push. */
public final class MediaTypes {

  private MediaTypes() {}

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_LAYER_ZSTD =
      "application/vnd.docker.image.rootfs.diff.tar.zstd";
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_NONDISTRIBUTABLE_LAYER_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  public static final String IN_TOTO = "application/vnd.in-toto+json";
  public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
  public static final String HELM_CHART_LAYER =
      "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

  /**
   * What a client accepts when it reads any manifest: without it distribution 2.8 down-converts.
   */
  public static final List<String> ALL_MANIFESTS =
      List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX);

  public static boolean isIndex(String mediaType) {
    return DOCKER_MANIFEST_LIST.equals(mediaType) || OCI_INDEX.equals(mediaType);
  }

  public static boolean isImageConfig(String mediaType) {
    return DOCKER_CONFIG.equals(mediaType) || OCI_CONFIG.equals(mediaType);
  }

  public static boolean isGzip(String mediaType) {
    return mediaType.endsWith("gzip");
  }

  public static boolean isZstd(String mediaType) {
    return mediaType.endsWith("zstd");
  }

  public static boolean isUncompressedTar(String mediaType) {
    return mediaType.endsWith(".tar") || mediaType.endsWith("v1.tar");
  }
}
