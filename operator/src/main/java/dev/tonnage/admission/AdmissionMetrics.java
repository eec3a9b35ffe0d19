package dev.tonnage.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The webhook's meters. Every tag has a bounded set of values: kinds outside the admitted ones are
 * counted as {@code other}.
 *
 * <ul>
 *   <li>{@code tonnage_admission_reviews_total{operation,kind,decision}}: validating reviews;
 *       decision is allowed, warned, denied, skipped or error
 *   <li>{@code tonnage_admission_patches_total{kind}}: mutating answers that carried a patch
 *   <li>{@code tonnage_admission_errors_total{webhook,reason}}: requests answered with an error;
 *       reason is internal, timeout, malformed, unsupported_media_type, too_large,
 *       method_not_allowed or not_found
 *   <li>{@code tonnage_admission_duration_seconds{webhook}}: time from body read to answer
 *   <li>{@code tonnage_admission_events_dropped_total}: Events not recorded (queue full, API error)
 * </ul>
 */
public final class AdmissionMetrics {

  private final MeterRegistry registry;
  private final Counter eventsDropped;

  public AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.eventsDropped =
        Counter.builder("tonnage.admission.events.dropped")
            .description("Admission Events that could not be recorded")
            .register(registry);
  }

  /** A validating review's outcome. */
  public void reviewed(AdmissionRequest request, String decision) {
    Counter.builder("tonnage.admission.reviews")
        .description("Validating admission reviews by outcome")
        .tag("operation", request.operation().name())
        .tag("kind", kindTag(request.kind()))
        .tag("decision", decision)
        .register(registry)
        .increment();
  }

  public void patched(AdmissionRequest request) {
    Counter.builder("tonnage.admission.patches")
        .description("Mutating admission answers that carried a patch")
        .tag("kind", kindTag(request.kind()))
        .register(registry)
        .increment();
  }

  /** A request answered with an error; {@code endpoint} is null for an unknown path. */
  public void error(AdmissionEndpoint endpoint, String reason) {
    Counter.builder("tonnage.admission.errors")
        .description("Admission requests answered with an error, by cause")
        .tag("webhook", endpoint == null ? "none" : endpoint.metricName())
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void duration(AdmissionEndpoint endpoint, Duration elapsed) {
    Timer.builder("tonnage.admission.duration")
        .description("Time to answer an admission review")
        .tag("webhook", endpoint.metricName())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)
        .record(elapsed);
  }

  public void eventDropped() {
    eventsDropped.increment();
  }

  private static String kindTag(String kind) {
    if (WorkloadReader.EPHEMERAL_CONTAINERS_KIND.equals(kind)) {
      return kind;
    }
    for (WorkloadKind known : WorkloadKind.values()) {
      if (known.kind().equals(kind)) {
        return kind;
      }
    }
    return "other";
  }

  static String reasonOf(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> "malformed";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      default -> "http_" + httpStatus;
    };
  }
}
