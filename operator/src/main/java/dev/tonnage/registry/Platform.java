package dev.tonnage.registry;

import java.util.Objects;

/**
 * An OCI platform: os/architecture[/variant]. {@code arm64} without a variant equals {@code
 * arm64/v8}, as in the OCI image index specification.
 */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null || variant.isEmpty() ? null : variant;
    if ("arm64".equals(architecture) && "v8".equals(variant)) {
      variant = null;
    }
  }

  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);

  /** Parses {@code os/arch[/variant]}; throws {@link IllegalArgumentException} naming the input. */
  public static Platform parse(String text) {
    String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform \""
              + text
              + "\": expected os/arch or os/arch/variant, e.g. linux/arm64");
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid platform \"" + text + "\": empty os, arch or variant");
      }
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** True for the placeholder platform BuildKit gives attestation manifests. */
  public boolean isUnknown() {
    return "unknown".equals(os) && "unknown".equals(architecture);
  }

  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
