package dev.tonnage.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A parsed Prometheus text exposition, so tests assert on series rather than on substrings. */
final class Exposition {
  /** One sample line: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> types = new HashMap<>();

  private Exposition() {}

  static Exposition parse(String text) {
    Exposition exposition = new Exposition();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        exposition.types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        exposition.samples.add(sample(line));
      }
    }
    return exposition;
  }

  List<Sample> samples() {
    return samples;
  }

  /** Every sample name, e.g. {@code tonnage_admission_duration_seconds_bucket}. */
  Set<String> sampleNames() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** Metric family name -> type, from the {@code # TYPE} lines. */
  Map<String, String> types() {
    return types;
  }

  /** Samples of a name. */
  List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of the one sample with exactly these labels, or null when there is none. */
  Double value(String name, String... labelPairs) {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      wanted.put(labelPairs[i], labelPairs[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(wanted))
        .map(Sample::value)
        .findFirst()
        .orElse(null);
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      rest = labels(line, brace + 1, labels);
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    String value = line.substring(rest).trim().split(" ")[0];
    return new Sample(name, labels, number(value));
  }

  /** Reads {@code k="v",...}} from {@code at}; returns the index after the closing brace. */
  private static int labels(String line, int at, Map<String, String> into) {
    int i = at;
    while (line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      i = eq + 2;
      while (line.charAt(i) != '"') {
        char c = line.charAt(i++);
        if (c == '\\') {
          char escaped = line.charAt(i++);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      into.put(key, value.toString());
      i++;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return i + 1;
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }
}
