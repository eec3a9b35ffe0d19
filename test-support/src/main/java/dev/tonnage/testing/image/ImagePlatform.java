package dev.tonnage.testing.image;

import java.util.Objects;

/**
 * A platform exactly as written in an index entry or config (no normalisation: {@code arm64/v8}
 * stays as written, so tests can check that the operator normalises it).
 */
public record ImagePlatform(String os, String architecture, String variant) {

  public static final ImagePlatform LINUX_AMD64 = new ImagePlatform("linux", "amd64", null);
  public static final ImagePlatform UNKNOWN = new ImagePlatform("unknown", "unknown", null);

  public ImagePlatform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** Parses {@code os/arch[/variant]}. */
  public static ImagePlatform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \"" + text + "\": expected os/arch or os/arch/variant");
    }
    return new ImagePlatform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
