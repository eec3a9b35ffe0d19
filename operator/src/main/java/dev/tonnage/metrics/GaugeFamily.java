package dev.tonnage.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One gauge name with many tag sets whose values are pushed in, not pulled: every series holds its
 * value strongly (micrometer gauges are weak by default) and a removed series leaves the registry.
 */
final class GaugeFamily {
  private final MeterRegistry registry;
  private final String name;
  private final String baseUnit;
  private final String description;
  private final Map<Tags, Series> series = new ConcurrentHashMap<>();

  GaugeFamily(MeterRegistry registry, String name, String baseUnit, String description) {
    this.registry = registry;
    this.name = name;
    this.baseUnit = baseUnit;
    this.description = description;
  }

  void set(Tags tags, double value) {
    series.computeIfAbsent(tags, this::register).value = value;
  }

  void remove(Tags tags) {
    Series removed = series.remove(tags);
    if (removed != null) {
      registry.remove(removed.gauge);
    }
  }

  void removeIf(Predicate<Tags> condition) {
    List<Tags> doomed = series.keySet().stream().filter(condition).toList();
    doomed.forEach(this::remove);
  }

  /** The value of one tag of a series' tags, or null. */
  static String tag(Tags tags, String key) {
    return tags.stream()
        .filter(t -> t.getKey().equals(key))
        .map(t -> t.getValue())
        .findFirst()
        .orElse(null);
  }

  int size() {
    return series.size();
  }

  private Series register(Tags tags) {
    Series created = new Series();
    created.gauge =
        Gauge.builder(name, created, s -> s.value)
            .tags(tags)
            .baseUnit(baseUnit)
            .description(description)
            .strongReference(true)
            .register(registry);
    return created;
  }

  /** The pushed value of one series. */
  private static final class Series {
    volatile double value;
    Gauge gauge;
  }
}
