package dev.tonnage.testing.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One platform's image to push: layers with the history steps that made them, labels, base image
 * declaration. The manifest format is chosen when pushing.
 *
 * <pre>{@code
 * ImageSpec.builder()
 *     .platform("linux/arm64")
 *     .layer(LayerSpec.gzipFile("etc/motd", "hi"), "COPY motd /etc/motd")
 *     .step("ENV LANG=C.UTF-8")
 *     .baseImage("docker.io/library/alpine:3.20", "sha256:...", BaseImageSource.ANNOTATIONS)
 *     .build();
 * }</pre>
 */
public final class ImageSpec {

  public static final String BASE_NAME = "org.opencontainers.image.base.name";
  public static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

  /** One history entry; {@code layer} is null for an {@code empty_layer} step. */
  record Step(String createdBy, LayerSpec layer) {}

  private final ImagePlatform platform;
  private final List<Step> steps;
  private final boolean writeHistory;
  private final Map<String, String> labels;
  private final Map<String, String> annotations;
  private final List<String> env;

  private ImageSpec(Builder builder) {
    this.platform = builder.platform;
    this.steps = List.copyOf(builder.steps);
    this.writeHistory = builder.writeHistory;
    this.labels = Map.copyOf(builder.labels);
    this.annotations = Map.copyOf(builder.annotations);
    this.env = List.copyOf(builder.env);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A linux/amd64 image with one small gzip layer. */
  public static ImageSpec singleLayer(String path, String content) {
    return builder().layer(LayerSpec.gzipFile(path, content), "COPY " + path + " /" + path).build();
  }

  public ImagePlatform platform() {
    return platform;
  }

  List<Step> steps() {
    return steps;
  }

  boolean writeHistory() {
    return writeHistory;
  }

  Map<String, String> labels() {
    return labels;
  }

  Map<String, String> annotations() {
    return annotations;
  }

  List<String> env() {
    return env;
  }

  /** Builds an {@link ImageSpec}; keeps insertion order of labels and annotations. */
  public static final class Builder {
    private ImagePlatform platform = ImagePlatform.LINUX_AMD64;
    private final List<Step> steps = new ArrayList<>();
    private boolean writeHistory = true;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private final List<String> env =
        new ArrayList<>(
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));

    private Builder() {}

    /** {@code os/arch[/variant]}, default linux/amd64. */
    public Builder platform(String platform) {
      return platform(ImagePlatform.parse(platform));
    }

    public Builder platform(ImagePlatform value) {
      this.platform = value;
      return this;
    }

    /** A layer made by the history step {@code createdBy} (e.g. {@code RUN apt-get install}). */
    public Builder layer(LayerSpec layer, String createdBy) {
      steps.add(new Step(createdBy, layer));
      return this;
    }

    /** A layer whose history entry has no {@code created_by}. */
    public Builder layer(LayerSpec layer) {
      return layer(layer, null);
    }

    /** A history step that made no layer ({@code empty_layer: true}), e.g. {@code ENV}. */
    public Builder step(String createdBy) {
      steps.add(new Step(createdBy, null));
      return this;
    }

    /** Leaves {@code history} out of the config, as some minimal builders do. */
    public Builder withoutHistory() {
      this.writeHistory = false;
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder env(String nameEqualsValue) {
      env.add(nameEqualsValue);
      return this;
    }

    /** A manifest annotation; only OCI manifests carry annotations. */
    public Builder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /** Declares the base image in annotations, labels or both. */
    public Builder baseImage(String name, String digest, BaseImageSource source) {
      if (source != BaseImageSource.LABELS) {
        annotation(BASE_NAME, name);
        annotation(BASE_DIGEST, digest);
      }
      if (source != BaseImageSource.ANNOTATIONS) {
        label(BASE_NAME, name);
        label(BASE_DIGEST, digest);
      }
      return this;
    }

    public ImageSpec build() {
      return new ImageSpec(this);
    }
  }
}
