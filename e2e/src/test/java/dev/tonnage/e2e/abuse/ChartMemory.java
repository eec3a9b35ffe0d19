package dev.tonnage.e2e.abuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory the chart gives the operator: {@code resources.limits.memory} and the heap share of
 * {@code operator.javaOptions} (MaxRAMPercentage) in helm/tonnage/values.yaml, so the E2E runs the
 * jar with the heap it would have in the cluster and holds its RSS to the container's limit.
 *
 * @param limitBytes the container memory limit
 * @param heapPercent MaxRAMPercentage, the heap's share of that limit
 */
record ChartMemory(long limitBytes, int heapPercent) {

  private static final Pattern HEAP = Pattern.compile("MaxRAMPercentage=(\\d+)");

  static ChartMemory read(Path repo) {
    Path values = repo.resolve("helm/tonnage/values.yaml");
    String text;
    try {
      text = Files.readString(values);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + values, e);
    }
    int resources = text.indexOf("\nresources:");
    int limits = resources < 0 ? -1 : text.indexOf("limits:", resources);
    int memory = limits < 0 ? -1 : text.indexOf("memory:", limits);
    int mi = memory < 0 ? -1 : text.indexOf("Mi", memory);
    Matcher heap = HEAP.matcher(text);
    if (mi < 0 || !heap.find()) {
      throw new IllegalStateException(
          values + " has no resources.limits.memory in Mi or no MaxRAMPercentage in javaOptions");
    }
    long limitMib = Long.parseLong(text.substring(memory + "memory:".length(), mi).trim());
    return new ChartMemory(limitMib << 20, Integer.parseInt(heap.group(1)));
  }

  /** {@code -Xmx...m}: the heap the JVM picks inside the chart's container. */
  String maxHeapOption() {
    return "-Xmx" + (limitBytes * heapPercent / 100 >> 20) + "m";
  }
}
