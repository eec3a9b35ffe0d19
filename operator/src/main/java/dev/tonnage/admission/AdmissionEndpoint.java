package dev.tonnage.admission;

import java.util.Optional;

/** The webhook's HTTP endpoints. */
public enum AdmissionEndpoint {
  /** Allow, warn or deny by the policies; records Events. */
  VALIDATE("/validate", "validate"),
  /** Add the annotations of policies with {@code annotate: true}; never denies. */
  MUTATE("/mutate", "mutate"),
  /**
   * Reads the review and allows it: the baseline the benchmark compares against. Not served by the
   * operator.
   */
  ALLOW_ALL("/allow-all", "allow-all");

  private final String path;
  private final String metricName;

  AdmissionEndpoint(String path, String metricName) {
    this.path = path;
    this.metricName = metricName;
  }

  public String path() {
    return path;
  }

  /** The value of the {@code webhook} metric tag. */
  public String metricName() {
    return metricName;
  }

  public static Optional<AdmissionEndpoint> ofPath(String path) {
    for (AdmissionEndpoint endpoint : values()) {
      if (endpoint.path.equals(path)) {
        return Optional.of(endpoint);
      }
    }
    return Optional.empty();
  }
}
