package dev.tonnage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.facts.UncertainLayers;
import dev.tonnage.manifests.ManifestLocation;
import dev.tonnage.policy.CheckedImage;
import dev.tonnage.policy.Evaluation;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.SkippedPolicy;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import dev.tonnage.policy.Waiver;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tonnage check} found, per image, as text for people or JSON for scripts (the CI
 * formats read it too), and the exit code it adds up to.
 */
final class CheckReport {

  static final int EXIT_PASS = 0;
  static final int EXIT_VIOLATION = 1;
  static final int EXIT_ERROR = 2;
  static final int EXIT_UNCERTAIN = 3;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * One checked image.
   *
   * @param image the image as given on the command line
   * @param reference its normalized form
   * @param digest what it resolved to, or null when its facts could not be had (or were not needed)
   * @param fetchError why its facts could not be had, or null
   * @param evaluation the verdicts of the policies that apply to it
   * @param location where the image's container is in the -f manifests; null for an image given as
   *     an argument
   */
  record ImageResult(
      String image,
      String reference,
      String digest,
      FactsOutcome.Unavailable fetchError,
      Evaluation evaluation,
      ManifestLocation location) {

    /** A result for an image given as an argument. */
    ImageResult(
        String image,
        String reference,
        String digest,
        FactsOutcome.Unavailable fetchError,
        Evaluation evaluation) {
      this(image, reference, digest, fetchError, evaluation, null);
    }

    /** {@code Deployment shop/web container app: } for a manifest's container, else "". */
    String objectPrefix() {
      return location == null ? "" : location.objectAndContainer() + ": ";
    }
  }

  private final List<ImageResult> results;
  private final List<String> unsettled;

  /** {@code unsettled}: why layers behind uncertain verdicts were not streamed, one line each. */
  CheckReport(List<ImageResult> results, List<String> unsettled) {
    this.results = List.copyOf(results);
    this.unsettled = List.copyOf(unsettled);
  }

  List<ImageResult> results() {
    return results;
  }

  /**
   * 2 when any facts were missing, else 1 when an Enforce or Warn policy is broken, else 3 when
   * such a verdict is uncertain (never a pass), else 0.
   */
  int exitCode() {
    if (results.stream().anyMatch(r -> r.fetchError() != null)) {
      return EXIT_ERROR;
    }
    List<PolicyVerdict> gating =
        results.stream()
            .flatMap(r -> r.evaluation().verdicts().stream())
            .filter(v -> v.action() != PolicyAction.AUDIT)
            .toList();
    if (gating.stream().anyMatch(v -> !v.certainViolations().isEmpty())) {
      return EXIT_VIOLATION;
    }
    return gating.stream().anyMatch(v -> !v.violations().isEmpty()) ? EXIT_UNCERTAIN : EXIT_PASS;
  }

  /** The violations of Enforce and Warn policies that the measurement could not decide. */
  static List<Violation> uncertainViolations(List<ImageResult> results) {
    return UncertainLayers.uncertainOf(
        results.stream().flatMap(r -> r.evaluation().verdicts().stream()).toList());
  }

  /** pass, violation, error or uncertain: what the exit code means. */
  String result() {
    return switch (exitCode()) {
      case EXIT_PASS -> "pass";
      case EXIT_VIOLATION -> "violation";
      case EXIT_UNCERTAIN -> "uncertain";
      default -> "error";
    };
  }

  String text() {
    StringBuilder out = new StringBuilder();
    for (ImageResult result : results) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (result.location() != null) {
        out.append(result.location().place())
            .append(' ')
            .append(result.location().objectAndContainer())
            .append('\n');
      }
      out.append(result.reference());
      if (result.digest() != null) {
        out.append(" (").append(result.digest()).append(')');
      }
      out.append('\n');
      if (result.evaluation().verdicts().isEmpty()) {
        out.append("  no policy applies\n");
      }
      for (PolicyVerdict verdict : result.evaluation().verdicts()) {
        verdictText(out, verdict);
      }
      for (SkippedPolicy skipped : result.evaluation().skipped()) {
        out.append("  SKIP       ")
            .append(skipped.policy())
            .append(": ")
            .append(skipped.reason())
            .append('\n');
      }
    }
    if (!unsettled.isEmpty()) {
      out.append('\n');
      unsettled.forEach(line -> out.append(line).append('\n'));
    }
    out.append('\n').append(summary()).append('\n');
    return out.toString();
  }

  String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("result", result());
    ArrayNode images = root.putArray("images");
    for (ImageResult result : results) {
      ObjectNode image = images.addObject();
      image.put("image", result.image());
      image.put("reference", result.reference());
      image.put("digest", result.digest());
      if (result.location() != null) {
        ManifestLocation at = result.location();
        image
            .putObject("manifest")
            .put("file", at.source())
            .put("document", at.document())
            .put("line", at.line())
            .put("kind", at.kind())
            .put("namespace", at.namespace())
            .put("name", at.name())
            .put("container", at.container());
      }
      if (result.fetchError() != null) {
        image
            .putObject("error")
            .put("reason", result.fetchError().reason())
            .put("message", result.fetchError().message());
      }
      ArrayNode verdicts = image.putArray("verdicts");
      for (PolicyVerdict verdict : result.evaluation().verdicts()) {
        verdictJson(verdicts.addObject(), verdict);
      }
      ArrayNode skipped = image.putArray("skipped");
      for (SkippedPolicy skip : result.evaluation().skipped()) {
        ObjectNode node = skipped.addObject();
        policyJson(node.putObject("policy"), skip.policy());
        node.put("reason", skip.reason());
      }
    }
    unsettled.forEach(root.putArray("unsettled")::add);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always serializable", e);
    }
  }

  private static void verdictText(StringBuilder out, PolicyVerdict verdict) {
    out.append("  ")
        .append(String.format("%-10s", status(verdict).toUpperCase(Locale.ROOT)))
        .append(' ')
        .append(verdict.policy())
        .append(" (")
        .append(actionName(verdict.action()))
        .append(')');
    List<String> platforms =
        verdict.checked().stream()
            .flatMap(c -> c.platforms().stream())
            .map(Object::toString)
            .distinct()
            .toList();
    if (!verdict.checked().isEmpty()) {
      out.append(
          platforms.isEmpty() ? ": no platform to check" : " on " + String.join(", ", platforms));
    }
    out.append('\n');
    for (Violation v : verdict.violations()) {
      out.append("      ")
          .append(v.platform())
          .append(' ')
          .append(v.rule())
          .append(v.uncertain() ? " (uncertain)" : "")
          .append(": ")
          .append(v.actual())
          .append(", limit ")
          .append(v.limit())
          .append('\n')
          .append("        ")
          .append(v.message())
          .append('\n');
      if (v.remedy() != null) {
        out.append("        Fix: ").append(v.remedy()).append('\n');
      }
    }
    for (Waiver w : verdict.waived()) {
      out.append("      ").append(w.warning()).append('\n');
    }
    for (UnavailableFacts u : verdict.unavailable()) {
      out.append("      facts unavailable (")
          .append(u.reason())
          .append("): ")
          .append(u.message())
          .append('\n');
    }
  }

  private static void verdictJson(ObjectNode node, PolicyVerdict verdict) {
    policyJson(node.putObject("policy"), verdict.policy());
    node.put("action", actionName(verdict.action()));
    node.put("result", status(verdict));
    ArrayNode platforms = node.putArray("platforms");
    verdict.checked().stream()
        .map(CheckedImage::platforms)
        .flatMap(List::stream)
        .map(Object::toString)
        .distinct()
        .forEach(platforms::add);
    ArrayNode violations = node.putArray("violations");
    for (Violation v : verdict.violations()) {
      violations
          .addObject()
          .put("rule", v.rule().name())
          .put("platform", v.platform() == null ? null : v.platform().toString())
          .put("digest", v.digest())
          .put("actual", v.actual())
          .put("limit", v.limit())
          .put("uncertain", v.uncertain())
          .put("message", v.message())
          .put("remedy", v.remedy());
    }
    ArrayNode unavailable = node.putArray("unavailable");
    for (UnavailableFacts u : verdict.unavailable()) {
      unavailable.addObject().put("reason", u.reason()).put("message", u.message());
    }
    ArrayNode warnings = node.putArray("warnings");
    verdict.warnings().forEach(warnings::add);
  }

  private static void policyJson(ObjectNode node, PolicyRef ref) {
    node.put("kind", ref.kind().kind()).put("namespace", ref.namespace()).put("name", ref.name());
  }

  /** error, fail, uncertain or pass. */
  static String status(PolicyVerdict verdict) {
    if (!verdict.unavailable().isEmpty()) {
      return "error";
    }
    if (!verdict.certainViolations().isEmpty()) {
      return "fail";
    }
    return verdict.violations().isEmpty() ? "pass" : "uncertain";
  }

  /** One line: the result and how many images it concerns. */
  String summary() {
    long failed =
        results.stream()
            .filter(
                r ->
                    r.evaluation().verdicts().stream()
                        .anyMatch(
                            v ->
                                v.action() != PolicyAction.AUDIT
                                    && !v.certainViolations().isEmpty()))
            .count();
    long errors = results.stream().filter(r -> r.fetchError() != null).count();
    return switch (exitCode()) {
      case EXIT_PASS ->
          "PASS: " + results.size() + " image(s) within every Enforce and Warn policy";
      case EXIT_VIOLATION ->
          "FAIL: "
              + failed
              + " of "
              + results.size()
              + " image(s) violate an Enforce or Warn policy";
      case EXIT_UNCERTAIN ->
          "UNCERTAIN: "
              + uncertainViolations(results).stream().map(Violation::image).distinct().count()
              + " of "
              + results.size()
              + " image(s) could not be decided against an Enforce or Warn policy";
      default ->
          "ERROR: the facts of " + errors + " of " + results.size() + " image(s) could not be read";
    };
  }

  /** The action as written in YAML. */
  static String actionName(PolicyAction action) {
    return switch (action) {
      case ENFORCE -> "Enforce";
      case WARN -> "Warn";
      case AUDIT -> "Audit";
    };
  }
}
