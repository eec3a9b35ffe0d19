package dev.tonnage.policy;

import dev.tonnage.registry.BaseImage;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/** Checks one platform of one image against one policy's limits and base image rules. */
final class PlatformCheck {

  private static final int LAYERS_NAMED = 3;

  private final CompiledPolicy policy;
  private final String container;
  private final String image;
  private final String digest;
  private final PlatformFacts facts;
  private final List<Violation> violations = new ArrayList<>();

  private PlatformCheck(
      CompiledPolicy policy, String container, String image, String digest, PlatformFacts facts) {
    this.policy = policy;
    this.container = container;
    this.image = image;
    this.digest = digest;
    this.facts = facts;
  }

  /** Every violation of {@code policy} by the image {@code image} on {@code facts}' platform. */
  static List<Violation> run(
      CompiledPolicy policy, String container, String image, String digest, PlatformFacts facts) {
    PlatformCheck check = new PlatformCheck(policy, container, image, digest, facts);
    check.compressedSize();
    check.uncompressedSize();
    check.layerCount();
    check.layerSize();
    check.baseImage();
    return List.copyOf(check.violations);
  }

  private void compressedSize() {
    CompiledPolicy.ByteLimit limit = policy.maxCompressedSize();
    if (limit == null || facts.compressedSize() <= limit.bytes()) {
      return;
    }
    String actual = ByteSize.formatAgainst(facts.compressedSize(), limit.bytes());
    List<LayerFacts> largest = largest(facts.layers(), LayerFacts::size);
    add(
        Rule.MAX_COMPRESSED_SIZE,
        actual,
        limit.display(),
        over("is " + actual + " compressed", "limit", limit.display())
            + "."
            + layerSentence("Largest layers", largest, LayerFacts::size),
        Remedies.forSize(createdByOf(largest)),
        false);
  }

  private void uncompressedSize() {
    CompiledPolicy.ByteLimit limit = policy.maxUncompressedSize();
    if (limit == null) {
      return;
    }
    UncompressedSize size = facts.uncompressedSize();
    if (size == null) {
      add(
          Rule.MAX_UNCOMPRESSED_SIZE,
          "unknown",
          limit.display(),
          "The uncompressed size of "
              + subject("image")
              + " on "
              + facts.platform()
              + " could not be measured, so the limit of "
              + limit.display()
              + " is unchecked.",
          null,
          true);
      return;
    }
    ToLongFunction<LayerFacts> layerSize =
        l -> l.uncompressedSize() == null ? l.size() : l.uncompressedSize().bytes();
    List<LayerFacts> largest = largest(facts.layers(), layerSize);
    String layers = layerSentence("Largest layers (uncompressed)", largest, layerSize);
    if (size.isUncertainAgainst(limit.bytes())) {
      String range = ByteSize.format(size.minBytes()) + ".." + ByteSize.format(size.maxBytes());
      add(
          Rule.MAX_UNCOMPRESSED_SIZE,
          "~" + ByteSize.format(size.bytes()) + " (" + range + ")",
          limit.display(),
          subject("Image")
              + " is between "
              + ByteSize.format(size.minBytes())
              + " and "
              + ByteSize.format(size.maxBytes())
              + " uncompressed on "
              + facts.platform()
              + " (estimate "
              + ByteSize.format(size.bytes())
              + "; gzip records sizes modulo 4 GiB), and the limit of "
              + limit.display()
              + " lies in that range: the verdict is uncertain until the audit measures the"
              + " layers exactly."
              + layers,
          Remedies.forSize(createdByOf(largest)),
          true);
    } else if (size.minBytes() > limit.bytes()) {
      String actual =
          size.exact()
              ? ByteSize.formatAgainst(size.bytes(), limit.bytes())
              : "at least " + ByteSize.formatAgainst(size.minBytes(), limit.bytes());
      add(
          Rule.MAX_UNCOMPRESSED_SIZE,
          actual,
          limit.display(),
          over("is " + actual + " uncompressed", "limit", limit.display()) + "." + layers,
          Remedies.forSize(createdByOf(largest)),
          false);
    }
  }

  private void layerCount() {
    if (policy.maxLayers().isEmpty() || facts.layerCount() <= policy.maxLayers().getAsInt()) {
      return;
    }
    int limit = policy.maxLayers().getAsInt();
    long runs = facts.layers().stream().filter(l -> BuildStep.of(l.createdBy()).isRun()).count();
    add(
        Rule.MAX_LAYERS,
        String.valueOf(facts.layerCount()),
        String.valueOf(limit),
        over("has " + facts.layerCount() + " layers", "limit", String.valueOf(limit))
            + (runs > 0 ? "; " + runs + " of them from RUN steps." : "."),
        Remedies.forLayerCount(),
        false);
  }

  private void layerSize() {
    CompiledPolicy.ByteLimit limit = policy.maxLayerSize();
    if (limit == null) {
      return;
    }
    List<LayerFacts> over =
        largest(
            facts.layers().stream().filter(l -> l.size() > limit.bytes()).toList(),
            LayerFacts::size);
    if (over.isEmpty()) {
      return;
    }
    String actual = ByteSize.formatAgainst(over.get(0).size(), limit.bytes());
    add(
        Rule.MAX_LAYER_SIZE,
        actual,
        limit.display(),
        over("has a layer of " + actual, "per-layer limit", limit.display())
            + "."
            + layerSentence("Layers over the limit", over, LayerFacts::size),
        Remedies.forLayer(createdByOf(over)),
        false);
  }

  private void baseImage() {
    List<ImageGlob> allowed = policy.allowedBases();
    List<ImageGlob> denied = policy.deniedBases();
    BaseImage base = facts.baseImage();
    if (base == null) {
      if (policy.requireKnownBase()) {
        add(
            Rule.BASE_IMAGE_UNKNOWN,
            "unknown",
            "a known base",
            "The base image of "
                + subject("image")
                + " on "
                + facts.platform()
                + " is unknown: the image records no org.opencontainers.image.base.name"
                + " annotation or label, and its layers match no base the policy names exactly.",
            Remedies.forUnknownBase(),
            false);
      }
      return;
    }
    List<String> names = baseNames(base);
    String shown = Warnings.displayReference(names.get(0));
    Optional<ImageGlob> deniedBy =
        denied.stream().filter(g -> names.stream().anyMatch(g::matches)).findFirst();
    List<String> allowedText = allowed.stream().map(ImageGlob::toString).toList();
    if (deniedBy.isPresent()) {
      add(
          Rule.BASE_IMAGE_DENIED,
          shown,
          deniedBy.get().toString(),
          builtFrom(shown, base) + ", which the denied pattern " + deniedBy.get() + " matches.",
          Remedies.forBase(allowedText, denied.stream().map(ImageGlob::toString).toList()),
          false);
    } else if (!allowed.isEmpty()
        && allowed.stream().noneMatch(g -> names.stream().anyMatch(g::matches))) {
      add(
          Rule.BASE_IMAGE_NOT_ALLOWED,
          shown,
          Patterns.list(allowedText),
          builtFrom(shown, base)
              + ", which is not among the allowed bases: "
              + Patterns.list(allowedText)
              + ".",
          Remedies.forBase(allowedText, List.of()),
          false);
    }
  }

  private void add(
      Rule rule, String actual, String limit, String message, String remedy, boolean uncertain) {
    violations.add(
        new Violation(
            policy.ref(),
            container,
            image,
            digest,
            facts.platform(),
            rule,
            actual,
            limit,
            message,
            remedy,
            uncertain));
  }

  /** {@code Image X on linux/amd64 is 1 GiB compressed, over the limit of 500 MiB}. */
  private String over(String measured, String limitName, String limit) {
    return subject("Image")
        + " "
        + measured
        + " on "
        + facts.platform()
        + ", over the "
        + limitName
        + " of "
        + limit;
  }

  /** {@code Image X on linux/amd64 is built from B (per its manifest annotation)}. */
  private String builtFrom(String shown, BaseImage base) {
    return subject("Image")
        + " on "
        + facts.platform()
        + " is built from "
        + shown
        + " ("
        + sourceOf(base)
        + ")";
  }

  /** {@code Image X in container "c"}, or {@code Image X} for a bare image. */
  private String subject(String word) {
    return word + " " + image + (container.isEmpty() ? "" : " in container \"" + container + "\"");
  }

  /** The normalized forms of the base to match patterns against: the name, and with its digest. */
  private static List<String> baseNames(BaseImage base) {
    try {
      ImageReference ref = ImageReference.parse(base.name());
      if (base.digest() != null && ref.digest() == null) {
        return List.of(ref.toString(), ref.withDigest(base.digest()).toString());
      }
      return List.of(ref.toString());
    } catch (InvalidReferenceException e) {
      return List.of(base.name());
    }
  }

  private static String sourceOf(BaseImage base) {
    return switch (base.source()) {
      case MANIFEST_ANNOTATION -> "per its manifest annotation";
      case CONFIG_LABEL -> "per its config label";
      case LAYER_PREFIX -> "its first layers are the base's";
    };
  }

  private static List<LayerFacts> largest(
      List<LayerFacts> layers, ToLongFunction<LayerFacts> size) {
    return layers.stream()
        .sorted(Comparator.comparingLong(size).reversed())
        .limit(LAYERS_NAMED)
        .toList();
  }

  private static String createdByOf(List<LayerFacts> largest) {
    return largest.isEmpty() ? null : largest.get(0).createdBy();
  }

  /** {@code " Largest layers: 812 MiB from RUN apt-get ...; 230 MiB from COPY . /app."} */
  private static String layerSentence(
      String title, List<LayerFacts> layers, ToLongFunction<LayerFacts> size) {
    if (layers.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" ").append(title).append(": ");
    for (int i = 0; i < layers.size(); i++) {
      LayerFacts layer = layers.get(i);
      sb.append(i == 0 ? "" : "; ")
          .append(ByteSize.format(size.applyAsLong(layer)))
          .append(" from ")
          .append(BuildStep.of(layer.createdBy()));
    }
    return sb.append('.').toString();
  }
}
