package dev.tonnage.testing.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A non-image OCI artifact (Helm chart, signature ...): an OCI manifest whose config is not an
 * image config, so it has no platform and no history.
 */
public final class ArtifactSpec {

  /** One artifact layer, pushed as given (no compression added). */
  record ArtifactLayer(String mediaType, byte[] content) {}

  private final String configMediaType;
  private final byte[] config;
  private final List<ArtifactLayer> layers;

  private ArtifactSpec(String configMediaType, byte[] config, List<ArtifactLayer> layers) {
    this.configMediaType = configMediaType;
    this.config = config.clone();
    this.layers = List.copyOf(layers);
  }

  /**
   * A Helm chart as {@code helm push} stores it: config {@code
   * application/vnd.cncf.helm.config.v1+json}, one chart .tgz layer holding {@code Chart.yaml}.
   */
  public static ArtifactSpec helmChart(String name, String version) {
    String chartYaml =
        "apiVersion: v2\nname: " + name + "\nversion: " + version + "\ntype: application\n";
    byte[] chart =
        Gzip.compress(
            TarArchive.builder()
                .file(name + "/Chart.yaml", chartYaml)
                .file(name + "/values.yaml", "replicaCount: 1\n")
                .build()
                .toBytes());
    String config =
        "{\"name\":\""
            + name
            + "\",\"version\":\""
            + version
            + "\",\"apiVersion\":\"v2\",\"type\":\"application\"}";
    return new ArtifactSpec(
        MediaTypes.HELM_CONFIG,
        config.getBytes(StandardCharsets.UTF_8),
        List.of(new ArtifactLayer(MediaTypes.HELM_CHART_LAYER, chart)));
  }

  /** Any artifact: a config of {@code configMediaType} and layers added with {@link #withLayer}. */
  public static ArtifactSpec of(String configMediaType, byte[] config) {
    return new ArtifactSpec(configMediaType, config, List.of());
  }

  public ArtifactSpec withLayer(String mediaType, byte[] content) {
    List<ArtifactLayer> changed = new ArrayList<>(layers);
    changed.add(new ArtifactLayer(mediaType, content.clone()));
    return new ArtifactSpec(configMediaType, config, changed);
  }

  String configMediaType() {
    return configMediaType;
  }

  byte[] config() {
    return config.clone();
  }

  List<ArtifactLayer> layers() {
    return layers;
  }
}
