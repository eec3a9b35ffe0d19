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
 * At most {@code maxSeries} series exist at once; a new one past that is refused.
 */
final class GaugeFamily {
  /**
   * Series one family may hold unless told otherwise: far above any real cluster's namespaces ×
   * policies, yet a few MB of registry at most when label values come from outside.
   */
  static final int DEFAULT_MAX_SERIES = 10_000;

  private final MeterRegistry registry;
  private final String name;
  private final String baseUnit;
  private final String description;
  private final int maxSeries;
  private final Map<Tags, Series> series = new ConcurrentHashMap<>();

  GaugeFamily(MeterRegistry registry, String name, String baseUnit, String description) {
    this(registry, name, baseUnit, description, DEFAULT_MAX_SERIES);
  }

  GaugeFamily(
      MeterRegistry registry, String name, String baseUnit, String description, int maxSeries) {
    this.registry = registry;
    this.name = name;
    this.baseUnit = baseUnit;
    this.description = description;
    this.maxSeries = maxSeries;
  }

  /**
   * Sets the value of the series {@code tags}, creating it if there is room.
   *
   * @return false when the series did not exist and the family is full (nothing was set)
   */
  boolean set(Tags tags, double value) {
    Series existing = series.get(tags);
    if (existing != null) {
      existing.value = value;
      return true;
    }
    synchronized (series) {
      if (!series.containsKey(tags) && series.size() >= maxSeries) {
        return false;
      }
      series.computeIfAbsent(tags, this::register).value = value;
      return true;
    }
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
