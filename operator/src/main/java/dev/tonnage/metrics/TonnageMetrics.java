package dev.tonnage.metrics;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Tonnage metrics of docs/metrics.md on one {@link MeterRegistry}; names, types and labels are
 * documented in docs/metrics.md. Callers push facts in; this class keeps the series bounded and
 * removes the series of forgotten images, namespaces and policies. Thread-safe.
 */
public final class TonnageMetrics implements AutoCloseable {
  /** How many distinct images get size series before new ones are dropped and counted. */
  public static final int DEFAULT_MAX_IMAGES = 2000;

  /** The audit interval the operator runs with unless told otherwise. */
  public static final Duration DEFAULT_AUDIT_INTERVAL = Duration.ofMinutes(10);

  // The API server gives the webhook 10 s: fine buckets for the fast path, coarse ones up to 10 s.
  private static final Duration[] ADMISSION_BUCKETS =
      seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 10);
  private static final Duration[] REGISTRY_BUCKETS =
      seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT");

  /**
   * Longest {@code image} label value: a normalized {@code registry/repository:tag} of a real image
   * fits easily; a longer one (a reference built to bloat the scrape) is dropped and counted.
   */
  public static final int MAX_IMAGE_LABEL = 256;

  /** Longest {@code platform} label value: {@code os/architecture/variant} is a few dozen chars. */
  public static final int MAX_PLATFORM_LABEL = 64;

  /**
   * Longest {@code namespace} or {@code policy} label value: a policy label is {@code
   * namespace/name}, 63 + 1 + 253 characters at most in Kubernetes.
   */
  public static final int MAX_OBJECT_LABEL = 320;

  // JOSDK registers its meters without HELP text, which Prometheus' linter rejects.
  private static final MeterFilter DESCRIBE_JOSDK_METERS =
      new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
          if (id.getDescription() != null || !id.getName().startsWith("operator.sdk.")) {
            return id;
          }
          return new Meter.Id(
              id.getName(),
              Tags.of(id.getTags()),
              id.getBaseUnit(),
              "java-operator-sdk " + id.getName(),
              id.getType());
        }
      };

  // ProcessorMetrics' process_cpu_time_ns_total and system_cpu_count break Prometheus naming rules
  // (unit abbreviation, reserved _count suffix); process_cpu_usage carries what matters.
  private static final MeterFilter DENY_MISNAMED_JVM_METERS =
      MeterFilter.deny(
          id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count"));

  private final MeterRegistry registry;
  private final int maxImages;

  private final GaugeFamily compressedSize;
  private final GaugeFamily uncompressedSize;
  private final GaugeFamily layers;

  /**
   * Per image label, per platform: the compressed size of the build the uncompressed series
   * describes, or null when it has none. An audit that lacks the uncompressed size (another policy
   * needed less) keeps that series while the build is the same, so it does not flap.
   */
  private final Map<String, Map<String, Long>> platformsByImage = new HashMap<>();

  private final Counter droppedSeries;

  private final GaugeFamily namespaceImageBytes;
  private final GaugeFamily policyViolations;
  private final GaugeFamily rateLimitRemaining;
  private final GaugeFamily rateLimitLimit;
  private final GaugeFamily auditLastSuccess;
  private final GaugeFamily auditIntervalSeconds;
  private final GaugeFamily auditLeader;
  private final Counter auditLeaseFailures;
  private final RegistryLabels registryLabels = new RegistryLabels();

  private final Timer admissionDuration;
  private final Counter eventsDropped;
  private JvmGcMetrics gcMetrics;

  /** Default image cap; the audit clock starts now. */
  public TonnageMetrics(MeterRegistry registry) {
    this(registry, DEFAULT_MAX_IMAGES, Clock.systemUTC());
  }

  /**
   * @param maxImages how many distinct images may have size series; later ones are dropped and
   *     counted in {@code tonnage_metrics_series_dropped_total}
   * @param clock read once: until the first audit completes, the audit timestamp is the start time,
   *     so an audit that never completes still goes stale
   */
  public TonnageMetrics(MeterRegistry registry, int maxImages, Clock clock) {
    if (maxImages < 1) {
      throw new IllegalArgumentException(
          "maxImages must be at least 1 (it caps image series), got " + maxImages);
    }
    this.registry = Objects.requireNonNull(registry, "registry");
    this.maxImages = maxImages;
    // Filters first: they apply only to meters registered after them.
    registry.config().meterFilter(DESCRIBE_JOSDK_METERS).meterFilter(DENY_MISNAMED_JVM_METERS);
    compressedSize =
        new GaugeFamily(
            registry,
            "tonnage.image.compressed.size",
            "bytes",
            "Bytes a node pulls for the image on this platform: config plus compressed layers");
    uncompressedSize =
        new GaugeFamily(
            registry,
            "tonnage.image.uncompressed.size",
            "bytes",
            "Unpacked size of the image's layers on this platform (an estimate when not exact)");
    layers =
        new GaugeFamily(
            registry,
            "tonnage.image.layers",
            null,
            "Number of layers of the image on this platform");
    droppedSeries =
        Counter.builder("tonnage.metrics.series.dropped")
            .description(
                "Series not exported because a cap was reached: the image cap, a label value"
                    + " over its length cap, or a metric's series cap")
            .register(registry);
    namespaceImageBytes =
        new GaugeFamily(
            registry,
            "tonnage.namespace.image",
            "bytes",
            "Sum of the compressed sizes of the distinct images the namespace's Pods run");
    policyViolations =
        new GaugeFamily(
            registry,
            "tonnage.policy.violations",
            null,
            "Violations the last audit found for the policy in the namespace");
    rateLimitRemaining =
        new GaugeFamily(
            registry,
            "tonnage.registry.ratelimit.remaining",
            null,
            "Requests the registry still allows in its current rate-limit window");
    rateLimitLimit =
        new GaugeFamily(
            registry,
            "tonnage.registry.ratelimit.limit",
            null,
            "Requests the registry allows per rate-limit window");
    auditLastSuccess =
        new GaugeFamily(
            registry,
            "tonnage.audit.last.success.timestamp",
            "seconds",
            "Unix time the last audit pass completed (process start until the first one)");
    auditIntervalSeconds =
        new GaugeFamily(
            registry, "tonnage.audit.interval", "seconds", "Configured period of the re-audit");
    auditLeader =
        new GaugeFamily(
            registry,
            "tonnage.audit.leader",
            null,
            "1 while this replica holds the audit Lease (or audits without leader election), else 0");
    auditLeaseFailures =
        Counter.builder("tonnage.audit.lease.failures")
            .description(
                "Attempts to read, take or renew the audit Lease that the API server refused")
            .register(registry);
    admissionDuration =
        Timer.builder("tonnage.admission.duration")
            .description("Time to answer one AdmissionReview")
            .serviceLevelObjectives(ADMISSION_BUCKETS)
            .register(registry);
    eventsDropped =
        Counter.builder("tonnage.events.dropped")
            .description("Events of admission and audit that could not be recorded")
            .register(registry);
    auditLastSuccess.set(Tags.empty(), epochSeconds(clock.instant()));
    setAuditInterval(DEFAULT_AUDIT_INTERVAL);
  }

  /** An Event not recorded: the writer's queue was full or the API server refused it. */
  public void eventDropped() {
    eventsDropped.increment();
  }

  /**
   * Counts a webhook request answered with an error.
   *
   * @param webhook validate, mutate or none (unknown path)
   * @param reason a bounded cause, e.g. internal, timeout, malformed
   */
  public void admissionError(String webhook, String reason) {
    Counter.builder("tonnage.admission.errors")
        .description("Admission requests answered with an error, by webhook and cause")
        .tag("webhook", webhook)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Records the measured facts of one image on one platform.
   *
   * @param image the normalized {@code repository:tag}; a {@code @digest} suffix is cut off so a
   *     rebuilt image keeps its series
   * @param uncompressedOrNull null when this measurement did not read the uncompressed size: the
   *     series keeps its value while the compressed size (the build) is unchanged, and is removed
   *     otherwise
   * @return false when the image cap dropped the series
   */
  public boolean recordImage(
      String image, String platform, long compressed, Long uncompressedOrNull, int layerCount) {
    if (compressed < 0
        || layerCount < 0
        || (uncompressedOrNull != null && uncompressedOrNull < 0)) {
      throw new IllegalArgumentException(
          "image facts of "
              + image
              + " must not be negative; got compressed="
              + compressed
              + ", uncompressed="
              + uncompressedOrNull
              + ", layers="
              + layerCount);
    }
    String label = imageLabel(image);
    Objects.requireNonNull(platform, "platform");
    if (label.length() > MAX_IMAGE_LABEL || platform.length() > MAX_PLATFORM_LABEL) {
      droppedSeries.increment(uncompressedOrNull == null ? 2 : 3);
      return false;
    }
    Tags tags = Tags.of("image", label, "platform", platform);
    synchronized (platformsByImage) {
      if (!platformsByImage.containsKey(label) && platformsByImage.size() >= maxImages) {
        droppedSeries.increment(uncompressedOrNull == null ? 2 : 3);
        return false;
      }
      Map<String, Long> platforms = platformsByImage.computeIfAbsent(label, k -> new HashMap<>());
      compressedSize.set(tags, compressed);
      layers.set(tags, layerCount);
      if (uncompressedOrNull != null) {
        uncompressedSize.set(tags, uncompressedOrNull);
        platforms.put(platform, compressed);
      } else if (!Long.valueOf(compressed).equals(platforms.get(platform))) {
        uncompressedSize.remove(tags);
        platforms.put(platform, null);
      }
      return true;
    }
  }

  /** Removes every series of the image (all platforms), making room under the cap. */
  public void forgetImage(String image) {
    String label = imageLabel(image);
    synchronized (platformsByImage) {
      Map<String, Long> platforms = platformsByImage.remove(label);
      if (platforms == null) {
        return;
      }
      for (String platform : platforms.keySet()) {
        Tags tags = Tags.of("image", label, "platform", platform);
        compressedSize.remove(tags);
        uncompressedSize.remove(tags);
        layers.remove(tags);
      }
    }
  }

  /** How many distinct images have size series now. */
  public int imageCount() {
    synchronized (platformsByImage) {
      return platformsByImage.size();
    }
  }

  /** Sets the namespace's total image weight, as the audit computed it. */
  public void setNamespaceImageBytes(String namespace, long bytes) {
    if (namespace.length() > MAX_OBJECT_LABEL
        || !namespaceImageBytes.set(Tags.of("namespace", namespace), bytes)) {
      droppedSeries.increment();
    }
  }

  /** Removes the series of a namespace that is gone or runs no measured image. */
  public void forgetNamespace(String namespace) {
    namespaceImageBytes.remove(Tags.of("namespace", namespace));
  }

  /**
   * Sets the violation count of a policy in one namespace.
   *
   * @param policy the ClusterImagePolicy name, or {@code namespace/name} for an ImagePolicy, so the
   *     two kinds never share a series
   */
  public void setViolations(String policy, String namespace, int count) {
    if (policy.length() > MAX_OBJECT_LABEL
        || namespace.length() > MAX_OBJECT_LABEL
        || !policyViolations.set(Tags.of("namespace", namespace, "policy", policy), count)) {
      droppedSeries.increment();
    }
  }

  /**
   * Replaces all violation counts of a policy with the result of one audit: namespaces missing from
   * {@code countByNamespace} lose their series.
   */
  public void replaceViolations(String policy, Map<String, Integer> countByNamespace) {
    policyViolations.removeIf(
        tags ->
            policy.equals(GaugeFamily.tag(tags, "policy"))
                && !countByNamespace.containsKey(GaugeFamily.tag(tags, "namespace")));
    countByNamespace.forEach((namespace, count) -> setViolations(policy, namespace, count));
  }

  /** Removes every series of a deleted policy. */
  public void forgetPolicy(String policy) {
    policyViolations.removeIf(tags -> policy.equals(GaugeFamily.tag(tags, "policy")));
  }

  /**
   * Counts and times one answered AdmissionReview.
   *
   * @param operation CREATE, UPDATE, DELETE or CONNECT; anything else is counted as OTHER
   * @param kind the kind of the reviewed object, e.g. Pod or Deployment
   */
  public void admissionReview(
      String operation, String kind, AdmissionDecision decision, Duration duration) {
    String op = operation == null ? "" : operation.toUpperCase(Locale.ROOT);
    Counter.builder("tonnage.admission.reviews")
        .description("AdmissionReviews answered, by operation, object kind and decision")
        .tags(
            "operation",
            OPERATIONS.contains(op) ? op : "OTHER",
            "kind",
            Objects.requireNonNull(kind, "kind"),
            "decision",
            decision.label())
        .register(registry)
        .increment();
    admissionDuration.record(duration);
  }

  /**
   * Counts and times one registry HTTP request.
   *
   * @param registry the registry host, e.g. {@code index.docker.io} or {@code ghcr.io}; labelled as
   *     {@link RegistryLabels} says
   * @param status the HTTP status, or 0 when no response came (connect failure, timeout)
   */
  public void registryRequest(String registry, String method, int status, Duration duration) {
    String label = registryLabels.label(registry);
    String verb = method == null ? "" : method.toUpperCase(Locale.ROOT);
    Counter.builder("tonnage.registry.requests")
        .description("HTTP requests sent to registries, by registry, method and status (0: none)")
        .tags(
            "registry",
            label,
            "method",
            HTTP_METHODS.contains(verb) ? verb : "OTHER",
            "status",
            // okhttp accepts any three-digit status: 0 and 100-999 bound the values.
            Integer.toString(status < 100 || status > 999 ? 0 : status))
        .register(this.registry)
        .increment();
    Timer.builder("tonnage.registry.request.duration")
        .description("Time from sending a registry request to its complete response")
        .tags("registry", label)
        .serviceLevelObjectives(REGISTRY_BUCKETS)
        .register(this.registry)
        .record(duration);
  }

  /** Counts last known facts served past the tag TTL because the registry failed. */
  public void registryStaleFactsServed(String registry) {
    Counter.builder("tonnage.registry.stale.facts.served")
        .description(
            "Tags answered with their last known facts because re-checking them failed"
                + " (stale-if-error)")
        .tags("registry", registryLabels.label(registry))
        .register(this.registry)
        .increment();
  }

  /**
   * Records the rate-limit headers a registry sent.
   *
   * @param limit requests per window, or 0 or less when the registry did not say
   */
  public void registryRateLimit(String registry, long limit, long remaining) {
    // Hosts that share a label (other, a cloud family) overwrite each other: the last one seen.
    Tags tags = Tags.of("registry", registryLabels.label(registry));
    rateLimitRemaining.set(tags, remaining);
    if (limit > 0) {
      rateLimitLimit.set(tags, limit);
    } else {
      rateLimitLimit.remove(tags);
    }
  }

  /** Marks the end of a successful audit pass. */
  public void auditCompleted(Instant at) {
    auditLastSuccess.set(Tags.empty(), epochSeconds(at));
  }

  /** Whether this replica audits now: it holds the audit Lease, or runs without election. */
  public void setAuditLeader(boolean leader) {
    auditLeader.set(Tags.empty(), leader ? 1 : 0);
  }

  /** One attempt to read, take or renew the audit Lease failed. */
  public void auditLeaseFailed() {
    auditLeaseFailures.increment();
  }

  /**
   * The registries that get their own {@code registry} label: the wiring teaches it the hosts named
   * in flags, operator-wide credentials and policies.
   */
  public RegistryLabels registryLabels() {
    return registryLabels;
  }

  /** Publishes the configured re-audit period, which the staleness alert multiplies. */
  public void setAuditInterval(Duration interval) {
    auditIntervalSeconds.set(Tags.empty(), interval.toMillis() / 1000.0);
  }

  /**
   * Exports a cache's statistics as {@code cache_*} series tagged {@code cache=name}.
   *
   * @throws IllegalArgumentException when the cache was built without {@code recordStats()}
   */
  public void bindCache(String name, Cache<?, ?> cache) {
    requireStats(name, cache);
    CaffeineCacheMetrics.monitor(registry, cache, name);
  }

  /** As {@link #bindCache(String, Cache)} for an async cache. */
  public void bindCache(String name, AsyncCache<?, ?> cache) {
    requireStats(name, cache.synchronous());
    CaffeineCacheMetrics.monitor(registry, cache, name);
  }

  /** Binds JVM memory, GC, thread, class-loader, CPU and uptime metrics; once per instance. */
  public synchronized void bindJvmMetrics() {
    if (gcMetrics != null) {
      return;
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
  }

  /**
   * JOSDK's reconciliation metrics on the same registry, for {@code Operator} configuration ({@code
   * overrider.withMetrics(...)}). Per controller only: per-resource tags would grow with every
   * policy ever seen.
   */
  public MicrometerMetrics josdkMetrics() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  /** Stops the GC notification listener that {@link #bindJvmMetrics()} installed. */
  @Override
  public synchronized void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }

  private static String imageLabel(String image) {
    int at = Objects.requireNonNull(image, "image").indexOf('@');
    return at < 0 ? image : image.substring(0, at);
  }

  private static void requireStats(String name, Cache<?, ?> cache) {
    if (!cache.policy().isRecordingStats()) {
      throw new IllegalArgumentException(
          "cache '"
              + name
              + "' records no statistics, so its metrics would stay zero;"
              + " build it with Caffeine.newBuilder().recordStats()");
    }
  }

  private static double epochSeconds(Instant at) {
    return at.toEpochMilli() / 1000.0;
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }
}
