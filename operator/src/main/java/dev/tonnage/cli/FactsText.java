package dev.tonnage.cli;

import dev.tonnage.policy.BuildStep;
import dev.tonnage.policy.ByteSize;
import dev.tonnage.registry.BaseImage;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.List;
import java.util.Locale;

/** The human-readable form of image facts: totals per platform and a layer table. */
final class FactsText {
  private FactsText() {}

  private static final int CREATED_BY_WIDTH = 72;

  static String render(ImageFacts facts, List<PlatformFacts> platforms, boolean uncompressed) {
    StringBuilder out = new StringBuilder();
    out.append(facts.reference()).append('\n');
    out.append("  digest  ").append(facts.digest()).append('\n');
    out.append("  type    ").append(kind(facts.mediaType()));
    if (facts.platforms().size() > 1) {
      out.append(", ").append(facts.platforms().size()).append(" platforms");
    }
    out.append('\n');
    for (PlatformFacts platform : platforms) {
      out.append('\n');
      renderPlatform(out, platform, uncompressed);
    }
    return out.toString();
  }

  private static void renderPlatform(StringBuilder out, PlatformFacts p, boolean uncompressed) {
    out.append("  ").append(p.platform()).append("  ").append(p.manifestDigest()).append('\n');
    row(out, "compressed", bytes(p.compressedSize()) + "  (" + p.compressedSize() + " bytes)");
    if (uncompressed) {
      row(out, "uncompressed", uncompressedTotal(p.uncompressedSize()));
    }
    row(
        out,
        "layers",
        p.layerCount() + (p.layerCount() == 0 ? "" : ", largest " + bytes(p.largestLayerSize())));
    row(out, "base image", base(p.baseImage()));
    if (p.layers().isEmpty()) {
      return;
    }
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "    %3s  %10s  %s%s%n",
            "#",
            "SIZE",
            uncompressed ? String.format(Locale.ROOT, "%13s  ", "UNCOMPRESSED") : "",
            "CREATED BY"));
    int n = 1;
    for (LayerFacts layer : p.layers()) {
      out.append(
          String.format(
              Locale.ROOT,
              "    %3d  %10s  %s%s%n",
              n++,
              bytes(layer.size()),
              uncompressed
                  ? String.format(
                      Locale.ROOT, "%13s  ", layerUncompressed(layer.uncompressedSize()))
                  : "",
              createdBy(layer.createdBy())));
    }
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "    %-13s %s%n", name, value));
  }

  static String kind(String mediaType) {
    if (mediaType == null) {
      return "unknown";
    }
    return switch (mediaType) {
      case "application/vnd.oci.image.index.v1+json" -> "OCI image index";
      case "application/vnd.docker.distribution.manifest.list.v2+json" -> "Docker manifest list";
      case "application/vnd.oci.image.manifest.v1+json" -> "OCI image manifest";
      case "application/vnd.docker.distribution.manifest.v2+json" -> "Docker image manifest";
      default -> mediaType;
    };
  }

  private static String uncompressedTotal(UncompressedSize size) {
    if (size == null) {
      return "unknown (the size of some layer could not be read)";
    }
    if (size.exact()) {
      return bytes(size.bytes()) + "  (" + size.bytes() + " bytes)";
    }
    return "~"
        + bytes(size.bytes())
        + ", at most "
        + bytes(size.maxBytes())
        + " (a gzip layer's size is only known modulo 4 GiB)";
  }

  private static String layerUncompressed(UncompressedSize size) {
    if (size == null) {
      return "unknown";
    }
    return (size.exact() ? "" : "~") + bytes(size.bytes());
  }

  private static String base(BaseImage base) {
    if (base == null) {
      return "unknown";
    }
    String source =
        switch (base.source()) {
          case MANIFEST_ANNOTATION -> "manifest annotation";
          case CONFIG_LABEL -> "config label";
          case LAYER_PREFIX -> "layer match";
        };
    return base.name() + (base.digest() == null ? "" : "@" + base.digest()) + "  (" + source + ")";
  }

  /** Binary units, as in policy messages: 512 B, 2.2 KiB, 67.3 MiB, 5 GiB. */
  static String bytes(long bytes) {
    return ByteSize.format(bytes);
  }

  /** The build step as policy messages name it, cut to one table line. */
  static String createdBy(String createdBy) {
    if (createdBy == null || createdBy.isBlank()) {
      return "-";
    }
    String step = BuildStep.of(createdBy).toString();
    return step.length() > CREATED_BY_WIDTH
        ? step.substring(0, CREATED_BY_WIDTH - 1).stripTrailing() + "…"
        : step;
  }
}
