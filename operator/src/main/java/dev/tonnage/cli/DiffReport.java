package dev.tonnage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.policy.BuildStep;
import dev.tonnage.policy.ByteSize;
import dev.tonnage.policy.GrowthLimit;
import dev.tonnage.policy.ImageDiff;
import dev.tonnage.policy.PlatformDiff;
import dev.tonnage.policy.PlatformDiff.LayerChange;
import dev.tonnage.policy.PlatformDiff.StepChange;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.UncompressedSize;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code tonnage diff} prints: an {@link ImageDiff} as text, JSON or Markdown. */
final class DiffReport {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Digest characters shown in text: the algorithm and 12 hex digits, as docker shows them. */
  private static final int SHORT_DIGEST = "sha256:".length() + 12;

  private final ImageDiff diff;

  DiffReport(ImageDiff diff) {
    this.diff = diff;
  }

  String text() {
    StringBuilder out = new StringBuilder();
    out.append(title(diff.before())).append("\n  -> ").append(title(diff.after())).append('\n');
    for (PlatformDiff p : diff.platforms()) {
      out.append('\n').append(p.platform()).append('\n');
      out.append(String.format("  %-13s %s%n", "compressed", bytesChange(p, "->")));
      out.append(String.format("  %-13s %s%n", "uncompressed", uncompressedChange(p, "->")));
      out.append(
          String.format(
              "  %-13s %d -> %d (%s)%n",
              "layers", p.before().layerCount(), p.after().layerCount(), signed(p)));
      out.append(
          String.format(
              "  %-5s %-9s %-20s %-10s %-10s %s%n",
              "#", "status", "digest", "before", "after", "step"));
      for (LayerChange l : p.layers()) {
        LayerFacts shown = l.after() != null ? l.after() : l.before();
        out.append(
            String.format(
                "  %-5s %-9s %-20s %-10s %-10s %s%n",
                l.position() < 0 ? "-" : String.valueOf(l.position()),
                l.status().name().toLowerCase(Locale.ROOT),
                shortDigest(shown.digest()),
                l.before() == null ? "-" : ByteSize.format(l.before().size()),
                l.after() == null ? "-" : ByteSize.format(l.after().size()),
                BuildStep.of(shown.createdBy())));
      }
      if (p.steps().isEmpty()) {
        out.append("  no build step was added or grew\n");
      } else {
        out.append("  steps added or grown:\n");
        for (StepChange s : p.steps()) {
          out.append("    ")
              .append(s.added() ? "added " : "grew  ")
              .append(s.step())
              .append(" (+")
              .append(ByteSize.format(s.delta()))
              .append(")\n");
        }
      }
    }
    onlyText(out, diff.before(), diff.onlyBefore());
    onlyText(out, diff.after(), diff.onlyAfter());
    if (diff.platforms().isEmpty()) {
      out.append("\nno platform in common: nothing to compare\n");
    }
    return out.toString();
  }

  String json() {
    ObjectNode root = JSON.createObjectNode();
    imageJson(root.putObject("before"), diff.before());
    imageJson(root.putObject("after"), diff.after());
    ArrayNode platforms = root.putArray("platforms");
    for (PlatformDiff p : diff.platforms()) {
      ObjectNode node = platforms.addObject();
      node.put("platform", p.platform().toString());
      ObjectNode compressed = node.putObject("compressed");
      compressed
          .put("before", p.before().compressedSize())
          .put("after", p.after().compressedSize())
          .put("change", p.compressedDelta());
      percentJson(compressed, p.before().compressedSize(), p.after().compressedSize());
      UncompressedSize before = p.before().uncompressedSize();
      UncompressedSize after = p.after().uncompressedSize();
      if (before == null || after == null) {
        node.putNull("uncompressed");
      } else {
        ObjectNode uncompressed = node.putObject("uncompressed");
        uncompressed
            .put("before", before.bytes())
            .put("after", after.bytes())
            .put("change", after.bytes() - before.bytes())
            .put("exact", p.uncompressedExact());
        percentJson(uncompressed, before.bytes(), after.bytes());
      }
      node.putObject("layerCount")
          .put("before", p.before().layerCount())
          .put("after", p.after().layerCount())
          .put("change", p.layerCountDelta());
      ArrayNode layers = node.putArray("layers");
      for (LayerChange l : p.layers()) {
        ObjectNode layer = layers.addObject();
        if (l.position() < 0) {
          layer.putNull("position");
        } else {
          layer.put("position", l.position());
        }
        layer.put("status", l.status().name().toLowerCase(Locale.ROOT));
        layerJson(layer, "before", l.before());
        layerJson(layer, "after", l.after());
        layer.put("change", l.delta());
      }
      ArrayNode steps = node.putArray("steps");
      for (StepChange s : p.steps()) {
        steps
            .addObject()
            .put("step", s.step().text())
            .put("added", s.added())
            .put("before", s.before())
            .put("after", s.after())
            .put("change", s.delta());
      }
    }
    ArrayNode onlyBefore = root.putArray("onlyBefore");
    diff.onlyBefore().forEach(p -> onlyBefore.add(p.toString()));
    ArrayNode onlyAfter = root.putArray("onlyAfter");
    diff.onlyAfter().forEach(p -> onlyAfter.add(p.toString()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers is always serializable", e);
    }
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("**`")
        .append(code(diff.before().reference().toString()))
        .append("` → `")
        .append(code(diff.after().reference().toString()))
        .append("`**\n\n");
    out.append("| Platform | Compressed | Uncompressed | Layers | Steps added or grown |\n");
    out.append("| --- | --- | --- | --- | --- |\n");
    for (PlatformDiff p : diff.platforms()) {
      out.append("| ")
          .append(p.platform())
          .append(" | ")
          .append(MarkdownReport.cell(bytesChange(p, "→")))
          .append(" | ")
          .append(MarkdownReport.cell(uncompressedChange(p, "→")))
          .append(" | ")
          .append(p.before().layerCount())
          .append(" → ")
          .append(p.after().layerCount())
          .append(" (")
          .append(signed(p))
          .append(") | ")
          .append(MarkdownReport.cell(p.steps().isEmpty() ? "none" : p.stepsSentence(5)))
          .append(" |\n");
    }
    if (!diff.onlyBefore().isEmpty() || !diff.onlyAfter().isEmpty()) {
      out.append('\n');
      onlyMarkdown(out, "old", diff.onlyBefore());
      onlyMarkdown(out, "new", diff.onlyAfter());
    }
    return out.toString();
  }

  private static String title(ImageFacts facts) {
    return facts.reference() + " (" + facts.digest() + ")";
  }

  private static String bytesChange(PlatformDiff p, String arrow) {
    long before = p.before().compressedSize();
    long after = p.after().compressedSize();
    return ByteSize.format(before)
        + " "
        + arrow
        + " "
        + ByteSize.format(after)
        + " ("
        + GrowthLimit.change(before, after)
        + ")";
  }

  /** The uncompressed change; {@code ~} marks estimates, {@code unknown} a size not read. */
  private static String uncompressedChange(PlatformDiff p, String arrow) {
    UncompressedSize before = p.before().uncompressedSize();
    UncompressedSize after = p.after().uncompressedSize();
    if (before == null || after == null) {
      return "unknown";
    }
    String mark = p.uncompressedExact() ? "" : "~";
    return mark
        + ByteSize.format(before.bytes())
        + " "
        + arrow
        + " "
        + mark
        + ByteSize.format(after.bytes())
        + " ("
        + mark
        + GrowthLimit.change(before.bytes(), after.bytes())
        + ")";
  }

  private static String signed(PlatformDiff p) {
    int delta = p.layerCountDelta();
    return (delta < 0 ? "" : "+") + delta;
  }

  private static String shortDigest(String digest) {
    return digest.length() > SHORT_DIGEST ? digest.substring(0, SHORT_DIGEST) : digest;
  }

  private static void percentJson(ObjectNode node, long before, long after) {
    if (before <= 0) {
      node.putNull("percent");
    } else {
      node.put(
          "percent",
          BigDecimal.valueOf(after - before)
              .multiply(BigDecimal.valueOf(100))
              .divide(BigDecimal.valueOf(before), 1, RoundingMode.HALF_UP));
    }
  }

  private static void imageJson(ObjectNode node, ImageFacts facts) {
    node.put("reference", facts.reference().toString()).put("digest", facts.digest());
  }

  private static void layerJson(ObjectNode parent, String field, LayerFacts layer) {
    if (layer == null) {
      parent.putNull(field);
      return;
    }
    parent
        .putObject(field)
        .put("digest", layer.digest())
        .put("size", layer.size())
        .put("step", BuildStep.of(layer.createdBy()).text());
  }

  private static void onlyText(StringBuilder out, ImageFacts facts, List<Platform> only) {
    if (!only.isEmpty()) {
      out.append("\nonly in ")
          .append(facts.reference())
          .append(": ")
          .append(only.stream().map(Platform::toString).collect(Collectors.joining(", ")))
          .append('\n');
    }
  }

  private static void onlyMarkdown(StringBuilder out, String which, List<Platform> only) {
    if (!only.isEmpty()) {
      out.append("- Only in the ")
          .append(which)
          .append(" image: ")
          .append(
              MarkdownReport.cell(
                  only.stream().map(Platform::toString).collect(Collectors.joining(", "))))
          .append("\n");
    }
  }

  /** A reference inside backticks: backticks removed, the rest escaped as a cell. */
  private static String code(String text) {
    return MarkdownReport.cell(text).replace("`", "");
  }
}
