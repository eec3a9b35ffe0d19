package dev.tonnage.cli;

import java.util.function.Function;

/** How {@code tonnage diff} prints ({@code --output}, any case). */
public enum DiffFormat {
  /** Aligned, human-readable text. */
  TEXT(DiffReport::text),
  /** The documented JSON object, nothing else on stdout. */
  JSON(DiffReport::json),
  /** A Markdown table for pull-request comments. */
  MARKDOWN(DiffReport::markdown);

  private final Function<DiffReport, String> renderer;

  DiffFormat(Function<DiffReport, String> renderer) {
    this.renderer = renderer;
  }

  String render(DiffReport report) {
    return renderer.apply(report);
  }
}
