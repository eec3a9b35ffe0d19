package dev.tonnage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.api.v1alpha1.PolicyAction;
import dev.tonnage.manifests.ManifestLocation;
import dev.tonnage.policy.PolicyVerdict;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.UnavailableFacts;
import dev.tonnage.policy.Violation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tonnage check --output sarif}: a SARIF 2.1.0 log with one run, a rule per policy rule
 * (plus {@value #FACTS_UNAVAILABLE}), and a result per violation located at the image (a logical
 * location) and, for a container of a {@code -f} manifest, at the manifest's file and line (a
 * physical location) and the object.
 */
final class SarifReport {

  static final String VERSION = "2.1.0";
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  /** The rule id of an image whose facts could not be read. */
  static final String FACTS_UNAVAILABLE = "FACTS_UNAVAILABLE";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final CheckReport report;

  SarifReport(CheckReport report) {
    this.report = report;
  }

  /** The rule ids, in the order of the driver's rules array (results refer to them by index). */
  static List<String> ruleIds() {
    List<String> ids = new ArrayList<>();
    for (Rule rule : Rule.values()) {
      ids.add(rule.name());
    }
    ids.add(FACTS_UNAVAILABLE);
    return ids;
  }

  String render() {
    ObjectNode log = JSON.createObjectNode();
    log.put("$schema", SCHEMA).put("version", VERSION);
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "tonnage");
    String version = SarifReport.class.getPackage().getImplementationVersion();
    if (version != null) {
      driver.put("semanticVersion", version);
    }
    ArrayNode rules = driver.putArray("rules");
    List<String> ids = ruleIds();
    for (String id : ids) {
      rules
          .addObject()
          .put("id", id)
          .put("name", id)
          .putObject("shortDescription")
          .put("text", description(id));
    }
    ArrayNode results = run.putArray("results");
    for (CheckReport.ImageResult image : report.results()) {
      for (PolicyVerdict verdict : image.evaluation().verdicts()) {
        for (Violation v : verdict.violations()) {
          ObjectNode result =
              result(results, ids, v.rule().name(), level(verdict.action(), v.uncertain()), image);
          result
              .putObject("message")
              .put(
                  "text",
                  image.objectPrefix()
                      + verdict.policy()
                      + ": "
                      + (v.uncertain() ? "uncertain: " : "")
                      + v.message()
                      + (v.remedy() == null ? "" : " Fix: " + v.remedy()));
          ObjectNode properties = result.putObject("properties");
          properties
              .put("policy", verdict.policy().toString())
              .put("action", CheckReport.actionName(verdict.action()))
              .put("platform", v.platform() == null ? null : v.platform().toString())
              .put("actual", v.actual())
              .put("limit", v.limit())
              .put("uncertain", v.uncertain());
        }
        for (UnavailableFacts u : verdict.unavailable()) {
          ObjectNode result = result(results, ids, FACTS_UNAVAILABLE, "error", image);
          result
              .putObject("message")
              .put(
                  "text",
                  image.objectPrefix()
                      + verdict.policy()
                      + ": facts unavailable ("
                      + u.reason()
                      + "): "
                      + u.message());
          result.putObject("properties").put("policy", verdict.policy().toString());
        }
      }
    }
    try {
      return JSON.writeValueAsString(log) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always serializable", e);
    }
  }

  private static ObjectNode result(
      ArrayNode results,
      List<String> ids,
      String ruleId,
      String level,
      CheckReport.ImageResult image) {
    ObjectNode result = results.addObject();
    result.put("ruleId", ruleId).put("ruleIndex", ids.indexOf(ruleId)).put("level", level);
    ObjectNode location = result.putArray("locations").addObject();
    ManifestLocation manifest = image.location();
    if (manifest != null && manifest.inFile()) {
      ObjectNode physical = location.putObject("physicalLocation");
      physical.putObject("artifactLocation").put("uri", uri(manifest.source()));
      physical.putObject("region").put("startLine", manifest.line());
    }
    ArrayNode logical = location.putArray("logicalLocations");
    logical
        .addObject()
        .put("name", image.image())
        .put(
            "fullyQualifiedName",
            image.digest() == null ? image.reference() : image.reference() + "@" + image.digest())
        .put("kind", "resource");
    if (manifest != null) {
      logical
          .addObject()
          .put("name", manifest.name())
          .put("fullyQualifiedName", manifest.objectAndContainer())
          .put("kind", "resource");
    }
    return result;
  }

  /** A manifest path as a SARIF artifact URI: relative paths stay relative, spaces encoded. */
  static String uri(String file) {
    Path path = Path.of(file);
    if (path.isAbsolute()) {
      return path.toUri().toString();
    }
    try {
      return new URI(null, null, file.replace('\\', '/'), null).toASCIIString();
    } catch (URISyntaxException e) {
      return path.toUri().toString();
    }
  }

  /** error for Enforce, warning for Warn and for anything uncertain, note for Audit. */
  private static String level(PolicyAction action, boolean uncertain) {
    if (action == PolicyAction.AUDIT) {
      return "note";
    }
    return uncertain || action == PolicyAction.WARN ? "warning" : "error";
  }

  private static String description(String id) {
    if (id.equals(FACTS_UNAVAILABLE)) {
      return "The image's facts could not be read from its registry";
    }
    return switch (Rule.valueOf(id)) {
      case MAX_COMPRESSED_SIZE ->
          "Image larger than spec.limits.maxCompressedSize (registry bytes)";
      case MAX_UNCOMPRESSED_SIZE -> "Image larger than spec.limits.maxUncompressedSize (on disk)";
      case MAX_LAYERS -> "More layers than spec.limits.maxLayers";
      case MAX_LAYER_SIZE -> "A layer larger than spec.limits.maxLayerSize";
      case MAX_GROWTH -> "Image grew over the one it replaces by more than spec.limits.maxGrowth";
      case BASE_IMAGE_DENIED -> "Base image matches spec.baseImages.denied";
      case BASE_IMAGE_NOT_ALLOWED -> "Base image not in spec.baseImages.allowed";
      case BASE_IMAGE_UNKNOWN -> "Base image unknown while spec.baseImages.requireKnownBase is set";
    };
  }
}
