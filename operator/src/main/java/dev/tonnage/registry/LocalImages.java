package dev.tonnage.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The images of one CLI run that are local files ({@link LocalImage}), each under a stand-in
 * reference in the reserved {@value #REGISTRY} registry: {@code oci:build/layout:v1} is {@code
 * local.invalid/oci/layout:v1}. The rest of the run (needs, facts, policies, reports) works on
 * references as for any image; {@link #inspector} reads the stand-ins from their files. The {@code
 * .invalid} name can never resolve (RFC 2606), so a stand-in is never fetched from a registry.
 */
public final class LocalImages {

  /** The registry of every stand-in reference. */
  public static final String REGISTRY = "local.invalid";

  /** Images one run may name; beyond it the run has many more images than any CI job. */
  static final int MAX_IMAGES = 1_000;

  /** Longest repository slug made from a file name. */
  private static final int MAX_SLUG_LENGTH = 64;

  private final Map<ImageReference, LocalImage> byReference = new LinkedHashMap<>();
  private final Map<LocalImage, ImageReference> byImage = new LinkedHashMap<>();

  /**
   * The reference to measure {@code text} by: a stand-in for {@code oci:}, {@code oci-archive:} and
   * {@code docker-archive:} images, else the registry reference it parses to.
   *
   * @throws InvalidReferenceException naming what is wrong with {@code text}
   */
  public ImageReference reference(String text) {
    Optional<LocalImage> local = LocalImage.parse(text);
    if (local.isEmpty()) {
      ImageReference ref = ImageReference.parse(text);
      if (REGISTRY.equals(ref.registry())) {
        throw new InvalidReferenceException(
            text,
            REGISTRY
                + " is reserved for images read from files; name the file with oci:, oci-archive:"
                + " or docker-archive:");
      }
      return ref;
    }
    LocalImage image = local.get();
    ImageReference known = byImage.get(image);
    if (known != null) {
      return known;
    }
    if (byImage.size() >= MAX_IMAGES) {
      throw new InvalidReferenceException(
          text, "a run reads at most " + MAX_IMAGES + " local images");
    }
    String base = image.transport().prefix() + "/" + slug(image);
    String tag = image.tag() != null && isTag(image.tag()) ? image.tag() : "latest";
    ImageReference ref = new ImageReference(REGISTRY, base, tag, null);
    for (int n = 2; byReference.containsKey(ref); n++) {
      ref = new ImageReference(REGISTRY, base + "-" + n, tag, null);
    }
    byReference.put(ref, image);
    byImage.put(image, ref);
    return ref;
  }

  /**
   * The image text to judge {@code text} by: the stand-in of a local image (registered by {@link
   * #reference}), else {@code text} itself.
   */
  public String judgedAs(String text) {
    return LocalImage.parse(text).map(byImage::get).map(ImageReference::toString).orElse(text);
  }

  /** Whether no local image was named. */
  public boolean isEmpty() {
    return byReference.isEmpty();
  }

  /** Reads the local images from their files and asks {@code registry} for every other image. */
  public ImageInspector inspector(ImageInspector registry) {
    return new LocalImageInspector(Map.copyOf(byReference), registry);
  }

  /** The file or directory name, lower case, other characters folded to '-': a path component. */
  private static String slug(LocalImage image) {
    Object fileName = image.path().getFileName();
    String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    for (int i = 0; i < name.length() && slug.length() < MAX_SLUG_LENGTH; i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (alnum) {
        slug.append(c);
      } else if (slug.length() > 0 && slug.charAt(slug.length() - 1) != '-') {
        slug.append('-');
      }
    }
    while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '-') {
      slug.setLength(slug.length() - 1);
    }
    return slug.length() == 0 ? "image" : slug.toString();
  }

  /** A docker tag: {@code [\w][\w.-]{0,127}}. */
  private static boolean isTag(String tag) {
    if (tag.isEmpty() || tag.length() > 128 || tag.charAt(0) == '.' || tag.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean word =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!word && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }
}
