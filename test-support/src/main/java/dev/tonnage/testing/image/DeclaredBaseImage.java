package dev.tonnage.testing.image;

/**
 * The base image an image declares, and where: {@code annotation} when the manifest annotations
 * carry it (preferred), else {@code label} from the config labels.
 */
public record DeclaredBaseImage(String name, String digest, String source) {

  public static final String FROM_ANNOTATIONS = "annotation";
  public static final String FROM_LABELS = "label";
}
