package dev.tonnage.admission;

import dev.tonnage.metrics.AdmissionDecision;
import dev.tonnage.metrics.TonnageMetrics;
import java.time.Duration;

/**
 * The webhook's meters. Validating reviews go to the shared {@code tonnage_admission_reviews_total}
 * and {@code tonnage_admission_duration_seconds} (docs/metrics.md); a review that needed no check
 * counts as allowed, an internal error or overrun as error. The mutating webhook only annotates, so
 * it is not counted there: counting both would double every object. A webhook-only counter adds
 * what those cannot say: {@code tonnage_admission_errors_total{webhook,reason}}, requests answered
 * with an error; webhook is validate, mutate or none (unknown path), reason is internal, timeout,
 * malformed, unsupported_media_type, too_large, slow_body, overloaded, method_not_allowed or
 * not_found. Metric names live in {@link TonnageMetrics}.
 */
public final class AdmissionMetrics {

  private final TonnageMetrics metrics;

  public AdmissionMetrics(TonnageMetrics metrics) {
    this.metrics = metrics;
  }

  /** A validating review's outcome and how long it took. */
  public void reviewed(AdmissionRequest request, AdmissionDecision decision, Duration elapsed) {
    metrics.admissionReview(request.operation().name(), kindTag(request.kind()), decision, elapsed);
  }

  /** A request answered with an error; {@code endpoint} is null for an unknown path. */
  public void error(AdmissionEndpoint endpoint, String reason) {
    metrics.admissionError(endpoint == null ? "none" : endpoint.metricName(), reason);
  }

  /** The kind label: the admitted kinds, and {@code other} for anything else (bounded). */
  static String kindTag(String kind) {
    if (WorkloadReader.EPHEMERAL_CONTAINERS_KIND.equals(kind)) {
      return WorkloadKind.POD.kind();
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
      case 408 -> "slow_body";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "overloaded";
      default -> "http_" + httpStatus;
    };
  }
}
