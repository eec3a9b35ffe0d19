package dev.tonnage.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which exception, if any, waives a violation: the one matching rule for the webhook, the audit and
 * {@code tonnage check}. An exception waives a violation when it is not expired at the clock's
 * instant and its policies, rules, namespaces, objectSelector and images all cover it (an empty
 * list covers everything). Honours at most {@value #MAX_EXCEPTIONS} exceptions, the first by
 * namespace and name, so the work per violation is bounded.
 */
public final class ExceptionMatcher {

  /** The most exceptions honoured; the rest are reported as TooMany and ignored. */
  public static final int MAX_EXCEPTIONS = 500;

  private static final Comparator<CompiledException> ORDER =
      Comparator.comparing(CompiledException::displayName);

  /** Waives nothing. */
  public static final ExceptionMatcher NONE = new ExceptionMatcher(List.of(), Clock.systemUTC());

  private final List<CompiledException> exceptions;
  private final Clock clock;

  /**
   * @param exceptions the trusted exceptions; beyond {@value #MAX_EXCEPTIONS} (in namespace/name
   *     order) they are ignored
   * @param clock decides expiry at each call
   */
  public ExceptionMatcher(List<CompiledException> exceptions, Clock clock) {
    this.exceptions = exceptions.stream().sorted(ORDER).limit(MAX_EXCEPTIONS).toList();
    this.clock = clock;
  }

  /** Whether {@code exception} is among those honoured (not beyond the cap). */
  public boolean honours(CompiledException exception) {
    return exceptions.contains(exception);
  }

  /** The exceptions honoured, in namespace/name order. */
  public List<CompiledException> exceptions() {
    return exceptions;
  }

  /**
   * The first exception that waives {@code violation} of {@code context} now, or empty.
   *
   * @param normalizedImage the violation's image as the evaluator normalized it, for the globs
   */
  public Optional<CompiledException> waiverFor(
      Violation violation, WorkloadContext context, String normalizedImage) {
    if (exceptions.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    for (CompiledException exception : exceptions) {
      if (exception.waives(violation, context, normalizedImage, now)) {
        return Optional.of(exception);
      }
    }
    return Optional.empty();
  }

  /** The soonest expiry after now among the honoured exceptions, to re-audit then. */
  public Optional<Instant> nextExpiry() {
    Instant now = clock.instant();
    return exceptions.stream()
        .flatMap(e -> e.expiresAt().stream())
        .filter(now::isBefore)
        .min(Comparator.naturalOrder());
  }
}
