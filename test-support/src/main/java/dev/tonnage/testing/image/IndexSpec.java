package dev.tonnage.testing.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform image: a Docker manifest list or an OCI index of platform images, optionally
 * with a BuildKit-style attestation manifest per platform.
 */
public final class IndexSpec {

  private final ManifestFormat format;
  private final List<ImageSpec> images;
  private final boolean attestations;
  private final Map<String, String> annotations;

  private IndexSpec(Builder builder) {
    this.format = builder.format;
    this.images = List.copyOf(builder.images);
    this.attestations = builder.attestations;
    this.annotations = Map.copyOf(builder.annotations);
  }

  /** An index in {@code format}; its platform manifests use the same format. */
  public static Builder builder(ManifestFormat format) {
    return new Builder(format);
  }

  ManifestFormat format() {
    return format;
  }

  List<ImageSpec> images() {
    return images;
  }

  boolean attestations() {
    return attestations;
  }

  Map<String, String> annotations() {
    return annotations;
  }

  /** Collects the platform images. */
  public static final class Builder {
    private final ManifestFormat format;
    private final List<ImageSpec> images = new ArrayList<>();
    private boolean attestations;
    private final Map<String, String> annotations = new LinkedHashMap<>();

    private Builder(ManifestFormat format) {
      this.format = format;
    }

    public Builder image(ImageSpec image) {
      images.add(image);
      return this;
    }

    /**
     * Adds, after the platform entries, one attestation manifest per platform as BuildKit does:
     * platform unknown/unknown, {@code vnd.docker.reference.type: attestation-manifest}, an in-toto
     * layer.
     */
    public Builder withAttestations() {
      this.attestations = true;
      return this;
    }

    /** An index annotation (OCI only). */
    public Builder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    public IndexSpec build() {
      if (images.isEmpty()) {
        throw new IllegalStateException("an index needs at least one platform image");
      }
      return new IndexSpec(this);
    }
  }
}
