package dev.tonnage.e2e.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The objects of one {@code helm template} output, for assertions on what the chart renders. */
record RenderedChart(String yaml, List<JsonNode> objects) {

  private static final YAMLMapper YAML = new YAMLMapper();

  static RenderedChart parse(String yaml) {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          objects.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm template printed YAML that does not parse", e);
    }
    return new RenderedChart(yaml, List.copyOf(objects));
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  JsonNode one(String kind) {
    List<JsonNode> found = ofKind(kind);
    if (found.size() != 1) {
      throw new NoSuchElementException(
          "expected one " + kind + ", found " + found.size() + " in:\n" + kindsAndNames());
    }
    return found.get(0);
  }

  JsonNode named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(
            () ->
                new NoSuchElementException("no " + kind + " " + name + " in:\n" + kindsAndNames()));
  }

  /** "Kind/name" of every object, one a line. */
  String kindsAndNames() {
    StringBuilder out = new StringBuilder();
    for (JsonNode o : objects) {
      out.append(o.path("kind").asText())
          .append('/')
          .append(o.path("metadata").path("name").asText())
          .append('\n');
    }
    return out.toString();
  }

  /** "kind.group/name" of every object, kind in lower case, as kubectl names resources. */
  List<String> resourceNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode o : objects) {
      String apiVersion = o.path("apiVersion").asText();
      String group =
          apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      names.add(
          o.path("kind").asText().toLowerCase()
              + group
              + "/"
              + o.path("metadata").path("name").asText());
    }
    return names;
  }

  /** The operator container of the Deployment. */
  JsonNode operatorContainer() {
    return one("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
  }

  List<String> operatorArgs() {
    List<String> args = new ArrayList<>();
    operatorContainer().path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** The operator container's literal environment variables (not those from fieldRefs). */
  Map<String, String> operatorEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    operatorContainer()
        .path("env")
        .forEach(
            e -> {
              if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
              }
            });
    return env;
  }

  /** The names of every environment variable of the operator container, literal or fieldRef. */
  List<String> operatorEnvNames() {
    List<String> names = new ArrayList<>();
    operatorContainer().path("env").forEach(e -> names.add(e.path("name").asText()));
    return names;
  }
}
