package dev.tonnage.cli;

import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;

/**
 * {@code tonnage check --output github}: GitHub Actions workflow commands, an {@code ::error} per
 * Enforce violation or unreadable image, a {@code ::warning} per Warn violation or uncertain
 * verdict, a {@code ::notice} per Audit violation, and the summary as a last notice. Findings on a
 * container of a {@code -f} manifest carry {@code file=} and {@code line=}, so GitHub shows them on
 * the manifest. Data and properties are escaped as the runner expects, so no message can start a
 * command of its own.
 */
final class GithubAnnotations {

  private final CheckReport report;

  GithubAnnotations(CheckReport report) {
    this.report = report;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    for (CheckReport.ImageResult image : report.results()) {
      for (PolicyVerdict verdict : image.evaluation().verdicts()) {
        for (Violation v : verdict.violations()) {
          String command =
              verdict.action() == PolicyAction.AUDIT
                  ? "notice"
                  : v.uncertain() || verdict.action() == PolicyAction.WARN ? "warning" : "error";
          annotation(
              out,
              command,
              image,
              image.objectPrefix()
                  + image.reference()
                  + ": "
                  + v.rule()
                  + (v.uncertain() ? " (uncertain)" : ""),
              verdict.policy()
                  + " ("
                  + CheckReport.actionName(verdict.action())
                  + ") on "
                  + v.platform()
                  + ": "
                  + v.message()
                  + (v.remedy() == null ? "" : "\nFix: " + v.remedy()));
        }
        for (UnavailableFacts u : verdict.unavailable()) {
          annotation(
              out,
              "error",
              image,
              image.objectPrefix() + image.reference() + ": facts unavailable",
              verdict.policy() + ": " + u.reason() + ": " + u.message());
        }
      }
    }
    annotation(out, "notice", null, "tonnage check", report.summary());
    return out.toString();
  }

  /** An annotation; on a manifest's container it points at the file and line of its document. */
  private static void annotation(
      StringBuilder out,
      String command,
      CheckReport.ImageResult image,
      String title,
      String message) {
    out.append("::").append(command).append(' ');
    if (image != null && image.location() != null && image.location().inFile()) {
      out.append("file=")
          .append(escapeProperty(image.location().source()))
          .append(",line=")
          .append(image.location().line())
          .append(',');
    }
    out.append("title=")
        .append(escapeProperty(title))
        .append("::")
        .append(escapeData(message))
        .append('\n');
  }

  /** As the Actions runner unescapes a command's message. */
  static String escapeData(String text) {
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** As the Actions runner unescapes a command's property values. */
  static String escapeProperty(String text) {
    return escapeData(text).replace(":", "%3A").replace(",", "%2C");
  }
}
