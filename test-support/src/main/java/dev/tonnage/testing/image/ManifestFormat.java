package dev.tonnage.testing.image;

/** The manifest (and index) schema an image is pushed in. */
public enum ManifestFormat {
  /** Docker image manifest v2 schema 2, and Docker manifest lists. */
  DOCKER_V2,
  /** OCI image manifest and index with their {@code mediaType} field, as BuildKit writes them. */
  OCI,
  /** OCI without the optional top-level {@code mediaType} field, as umoci writes them. */
  OCI_WITHOUT_MEDIA_TYPE;

  public boolean isOci() {
    return this != DOCKER_V2;
  }

  public String manifestMediaType() {
    return isOci() ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
  }

  public String indexMediaType() {
    return isOci() ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST;
  }

  public String configMediaType() {
    return isOci() ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG;
  }

  /** Whether the JSON carries {@code mediaType} (the HTTP Content-Type is always sent). */
  public boolean writesMediaTypeField() {
    return this != OCI_WITHOUT_MEDIA_TYPE;
  }
}
