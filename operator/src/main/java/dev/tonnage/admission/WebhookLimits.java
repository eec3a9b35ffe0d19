package dev.tonnage.admission;

import java.time.Duration;

/**
 * What one webhook server lets clients cost it: connections, time and buffered bytes. The defaults
 * keep a slow or hostile client from delaying the API server's calls (at most 30 s, by default 10
 * s) and keep buffered bodies far below the chart's memory limit (512 MiB, heap 75 % of it).
 *
 * @param maxBodyBytes the largest request body accepted
 * @param bufferedBytesBudget request body bytes buffered across all requests in flight
 * @param maxConcurrentBodyReads bodies being received at once
 * @param maxConnections open connections; beyond it the server stops accepting until one closes
 * @param idleTimeout how long a connection may send nothing
 * @param firstRequestTimeout from accept to a complete first request head (TLS handshake included)
 * @param bodyReadTimeout from a request head to its complete body
 * @param minBodyDataRate bytes per second a body must keep up after {@code bodyRateGrace}
 * @param bodyRateGrace how long a body may start slowly before the rate counts
 */
public record WebhookLimits(
    int maxBodyBytes,
    long bufferedBytesBudget,
    int maxConcurrentBodyReads,
    int maxConnections,
    Duration idleTimeout,
    Duration firstRequestTimeout,
    Duration bodyReadTimeout,
    long minBodyDataRate,
    Duration bodyRateGrace) {

  /**
   * 7 MiB: above the largest AdmissionReview the API server sends (objects are at most 1.5 MiB, a
   * review carries the object and the old one).
   */
  public static final int MAX_BODY_BYTES = 7 * 1024 * 1024;

  /** 64 MiB: nine maximal bodies at once, a small part of a 384 MiB heap. */
  public static final long BUFFERED_BYTES_BUDGET = 64L * 1024 * 1024;

  /** 128: half the connection limit, so slow bodies cannot take every read slot alone. */
  public static final int MAX_CONCURRENT_BODY_READS = 128;

  /** 256: API server replicas keep a few connections each; more is a flood. */
  public static final int MAX_CONNECTIONS = 256;

  /** 10 s: the API server's default webhook timeout; an idle caller longer has given up. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

  /** 5 s: a TLS handshake and a request head take milliseconds on a cluster network. */
  public static final Duration FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** 5 s: half the API server's default timeout; a 7 MiB body arrives in well under a second. */
  public static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

  /** 64 KiB/s: a thousandth of a cluster network; Slowloris trickles a few bytes a second. */
  public static final long MIN_BODY_DATA_RATE = 64 * 1024;

  /** 1 s before the rate counts: a body's first bytes may wait for a TCP window or a GC. */
  public static final Duration BODY_RATE_GRACE = Duration.ofSeconds(1);

  /** The operator's limits. */
  public static final WebhookLimits DEFAULTS =
      new WebhookLimits(
          MAX_BODY_BYTES,
          BUFFERED_BYTES_BUDGET,
          MAX_CONCURRENT_BODY_READS,
          MAX_CONNECTIONS,
          IDLE_TIMEOUT,
          FIRST_REQUEST_TIMEOUT,
          BODY_READ_TIMEOUT,
          MIN_BODY_DATA_RATE,
          BODY_RATE_GRACE);

  public WebhookLimits {
    if (maxBodyBytes <= 0 || bufferedBytesBudget < maxBodyBytes) {
      throw new IllegalArgumentException(
          "the buffered-bytes budget "
              + bufferedBytesBudget
              + " must hold at least one body of "
              + maxBodyBytes
              + " bytes");
    }
    if (maxConcurrentBodyReads <= 0 || maxConnections <= 0) {
      throw new IllegalArgumentException("connection and read limits must be positive");
    }
  }

  /** These limits with another body cap (and a budget that holds at least one such body). */
  public WebhookLimits withMaxBodyBytes(int bytes) {
    return new WebhookLimits(
        bytes,
        Math.max(bufferedBytesBudget, bytes),
        maxConcurrentBodyReads,
        maxConnections,
        idleTimeout,
        firstRequestTimeout,
        bodyReadTimeout,
        minBodyDataRate,
        bodyRateGrace);
  }
}
