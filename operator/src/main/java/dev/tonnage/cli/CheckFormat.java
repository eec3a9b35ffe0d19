package dev.tonnage.cli;

import java.util.function.Function;

/** How {@code tonnage check} prints its report ({@code --output}, any case). */
public enum CheckFormat {
  /** Aligned, human-readable text. */
  TEXT(CheckReport::text),
  /** The documented JSON objects, nothing else on stdout. */
  JSON(CheckReport::json),
  /** SARIF 2.1.0, for code-scanning dashboards. */
  SARIF(report -> new SarifReport(report).render()),
  /** JUnit XML: a testcase per image and policy. */
  JUNIT(report -> new JunitReport(report).render()),
  /** A Markdown table for pull-request comments. */
  MARKDOWN(report -> new MarkdownReport(report).render()),
  /** GitHub Actions workflow commands: an annotation per violation. */
  GITHUB(report -> new GithubAnnotations(report).render());

  private final Function<CheckReport, String> renderer;

  CheckFormat(Function<CheckReport, String> renderer) {
    this.renderer = renderer;
  }

  String render(CheckReport report) {
    return renderer.apply(report);
  }
}
