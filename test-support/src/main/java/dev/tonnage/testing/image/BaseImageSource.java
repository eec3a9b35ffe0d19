package dev.tonnage.testing.image;

/** Where an image declares its base image ({@code org.opencontainers.image.base.name/.digest}). */
public enum BaseImageSource {
  /** Manifest annotations (OCI manifests only), as BuildKit writes them. */
  ANNOTATIONS,
  /** Config labels, as a Dockerfile {@code LABEL} writes them. */
  LABELS,
  /** Both; readers prefer the annotations. */
  ANNOTATIONS_AND_LABELS
}
