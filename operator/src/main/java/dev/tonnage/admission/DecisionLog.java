package dev.tonnage.admission;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per admission decision that denies, warns or admits images unchecked, so the
 * operator log answers "why was my Deployment refused". Each kind of decision has its own token
 * bucket: a flood of denials cannot fill the log, nor hide the warnings; the first line after a
 * pause says how many were left out. Reviews that failed (timed out, internal errors) get an ERROR
 * line through a bucket of their own: a broken dependency failing every review open under
 * failurePolicy Ignore cannot flood the log either.
 */
final class DecisionLog {

  /** What a logged decision did. */
  enum Kind {
    DENIED("denied"),
    UNCHECKED("admitted unchecked"),
    WARNED("warned"),
    /** The review itself failed (timeout, internal error): answered per failurePolicy. */
    FAILED("failed");

    private final String words;

    Kind(String words) {
      this.words = words;
    }
  }

  /** Lines per kind that may come at once. */
  static final int BURST = 20;

  /** Lines per kind and second in the long run. */
  static final double LINES_PER_SECOND = 2;

  /** A reason is cut to this many characters: the line stays one screen line or two. */
  static final int MAX_REASON_LENGTH = 240;

  /** Policies named per line; a workload matched by more is counted. */
  static final int MAX_POLICIES = 5;

  private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);

  private final Map<Kind, Bucket> buckets = new EnumMap<>(Kind.class);
  private final Consumer<String> sink;
  private final BiConsumer<String, Throwable> errorSink;

  DecisionLog() {
    this(System::nanoTime, LOG::info, LOG::error);
  }

  /** Everything, failures included, to {@code sink}. */
  DecisionLog(LongSupplier nanoTime, Consumer<String> sink) {
    this(nanoTime, sink, (line, cause) -> sink.accept(line));
  }

  DecisionLog(
      LongSupplier nanoTime, Consumer<String> sink, BiConsumer<String, Throwable> errorSink) {
    this.sink = sink;
    this.errorSink = errorSink;
    for (Kind kind : Kind.values()) {
      buckets.put(kind, new Bucket(nanoTime));
    }
  }

  /** Logs {@code decision} about {@code workload} if it denies, warns or admits unchecked. */
  void record(AdmissionRequest request, Workload workload, ReviewDecision decision) {
    Kind kind =
        decision.denied()
            ? Kind.DENIED
            : decision.unchecked()
                ? Kind.UNCHECKED
                : decision.warnings().isEmpty() ? null : Kind.WARNED;
    if (kind == null) {
      return;
    }
    long skipped = buckets.get(kind).take();
    if (skipped < 0) {
      return;
    }
    String reason = kind == Kind.DENIED ? decision.denials().get(0) : firstOf(decision, kind);
    sink.accept(
        "admission "
            + kind.words
            + ": "
            + request.operation()
            + " "
            + workload.kind().kind()
            + " "
            + workload.namespace()
            + "/"
            + workload.name()
            + (request.dryRun() ? " (dry run)" : "")
            + (decision.policies().isEmpty() ? "" : " by " + policies(decision.policies()))
            + ": "
            + oneLine(reason)
            + (skipped > 0 ? " [" + skipped + " more " + kind.words + " not logged]" : ""));
  }

  /**
   * Logs a review that failed: {@code what} happened (e.g. {@code took longer than the budget 8s}),
   * {@code answer} says how it was answered; {@code cause} (null for a timeout) goes with the line.
   */
  void failed(AdmissionRequest request, String what, String answer, Throwable cause) {
    long skipped = buckets.get(Kind.FAILED).take();
    if (skipped < 0) {
      return;
    }
    errorSink.accept(
        "admission review "
            + request.uid()
            + " of "
            + request.kind()
            + " "
            + request.namespace()
            + "/"
            + request.name()
            + " "
            + what
            + "; "
            + answer
            + (skipped > 0 ? " [" + skipped + " more failed reviews not logged]" : ""),
        cause);
  }

  /** The first warning of an unchecked decision that says so, else the first warning. */
  private static String firstOf(ReviewDecision decision, Kind kind) {
    return decision.warnings().stream()
        .filter(w -> kind != Kind.UNCHECKED || w.contains("not checked"))
        .findFirst()
        .orElse(decision.warnings().isEmpty() ? "" : decision.warnings().get(0));
  }

  /** At most {@value #MAX_POLICIES} policy names, then how many more. */
  private static String policies(List<String> policies) {
    return policies.size() <= MAX_POLICIES
        ? String.join(", ", policies)
        : String.join(", ", policies.subList(0, MAX_POLICIES))
            + " and "
            + (policies.size() - MAX_POLICIES)
            + " more";
  }

  private static String oneLine(String text) {
    StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_REASON_LENGTH));
    for (int i = 0; i < text.length() && line.length() < MAX_REASON_LENGTH; i++) {
      char c = text.charAt(i);
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    return line.length() < text.length() ? line + "…" : line.toString();
  }

  /** A token bucket that counts what it refused. */
  private static final class Bucket {
    private final LongSupplier nanoTime;
    private double tokens = BURST;
    private long refilled;
    private long refused;

    Bucket(LongSupplier nanoTime) {
      this.nanoTime = nanoTime;
      this.refilled = nanoTime.getAsLong();
    }

    /** -1 when refused, else how many were refused since the last line. */
    synchronized long take() {
      long now = nanoTime.getAsLong();
      tokens =
          Math.min(
              BURST, tokens + (now - refilled) * LINES_PER_SECOND / TimeUnit.SECONDS.toNanos(1));
      refilled = now;
      if (tokens < 1) {
        refused++;
        return -1;
      }
      tokens -= 1;
      long skipped = refused;
      refused = 0;
      return skipped;
    }
  }
}
