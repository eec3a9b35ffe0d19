package dev.tonnage.testing.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image built by umoci from real files into an OCI layout, then copied into a registry by
 * skopeo: the way other tools, not our own writer, produce manifests.
 */
public final class OciLayoutImage {

  /** Files (path relative to the root, text content) added as one layer by {@code createdBy}. */
  record Layer(Map<String, String> files, String createdBy) {}

  private final String os;
  private final String architecture;
  private final List<Layer> layers;
  private final Map<String, String> labels;

  private OciLayoutImage(Builder builder) {
    this.os = builder.os;
    this.architecture = builder.architecture;
    this.layers = List.copyOf(builder.layers);
    this.labels = Map.copyOf(builder.labels);
  }

  public static Builder builder() {
    return new Builder();
  }

  String os() {
    return os;
  }

  String architecture() {
    return architecture;
  }

  List<Layer> layers() {
    return layers;
  }

  Map<String, String> labels() {
    return labels;
  }

  /** Collects layers and labels. */
  public static final class Builder {
    private String os = "linux";
    private String architecture = "amd64";
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder() {}

    /** {@code os/arch} (umoci 0.4 cannot set a variant). */
    public Builder platform(String platform) {
      ImagePlatform parsed = ImagePlatform.parse(platform);
      if (parsed.variant() != null) {
        throw new IllegalArgumentException("umoci 0.4 cannot set a platform variant: " + platform);
      }
      this.os = parsed.os();
      this.architecture = parsed.architecture();
      return this;
    }

    /** A layer of text files, recorded in the history as {@code createdBy}. */
    public Builder layer(Map<String, String> files, String createdBy) {
      layers.add(new Layer(new LinkedHashMap<>(files), createdBy));
      return this;
    }

    /** A config label, set by its own history step ({@code empty_layer}). */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public OciLayoutImage build() {
      return new OciLayoutImage(this);
    }
  }
}
