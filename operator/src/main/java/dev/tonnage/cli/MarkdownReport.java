package dev.tonnage.cli;

import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.SkippedPolicy;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tonnage check --output markdown}: the summary and a table, a row per image and policy, for
 * a pull-request comment. Cell text is escaped so that no image name or registry message can break
 * the table or inject HTML.
 */
final class MarkdownReport {

  private final CheckReport report;

  MarkdownReport(CheckReport report) {
    this.report = report;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("**").append(cell(report.summary())).append("**\n\n");
    out.append("| Image | Policy | Action | Result | Details |\n");
    out.append("| --- | --- | --- | --- | --- |\n");
    for (CheckReport.ImageResult image : report.results()) {
      for (PolicyVerdict verdict : image.evaluation().verdicts()) {
        row(
            out,
            image,
            verdict.policy().toString(),
            CheckReport.actionName(verdict.action()),
            CheckReport.status(verdict).toUpperCase(Locale.ROOT),
            details(verdict));
      }
      for (SkippedPolicy skipped : image.evaluation().skipped()) {
        row(out, image, skipped.policy().toString(), "", "SKIP", skipped.reason());
      }
      if (image.evaluation().verdicts().isEmpty() && image.evaluation().skipped().isEmpty()) {
        row(out, image, "", "", "", "no policy applies");
      }
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      CheckReport.ImageResult image,
      String policy,
      String action,
      String result,
      String details) {
    out.append("| `").append(cell(image.reference()).replace("`", "")).append('`');
    if (image.location() != null) {
      out.append(" in ")
          .append(cell(image.location().objectAndContainer()))
          .append(" (")
          .append(cell(image.location().source() + ":" + image.location().line()))
          .append(')');
    }
    out.append(" | ")
        .append(cell(policy))
        .append(" | ")
        .append(action)
        .append(" | ")
        .append(result)
        .append(" | ")
        .append(cell(details))
        .append(" |\n");
  }

  private static String details(PolicyVerdict verdict) {
    List<String> lines = new ArrayList<>();
    for (Violation v : verdict.violations()) {
      lines.add(
          v.rule()
              + (v.uncertain() ? " (uncertain)" : "")
              + " on "
              + v.platform()
              + ": "
              + v.actual()
              + ", limit "
              + v.limit());
    }
    for (UnavailableFacts u : verdict.unavailable()) {
      lines.add("facts unavailable (" + u.reason() + "): " + u.message());
    }
    return String.join("; ", lines);
  }

  /** Text safe in a table cell: no line breaks, pipes escaped, HTML neutralised. */
  static String cell(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '|' -> out.append("\\|");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '\\' -> out.append("\\\\");
        case '\n', '\r', '\t' -> out.append(' ');
        default -> {
          if (!Character.isISOControl(c)) {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
