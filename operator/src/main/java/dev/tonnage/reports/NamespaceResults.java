package dev.tonnage.reports;

import dev.tonnage.reports.ReportResult.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one namespace's report, at most {@link #MAX_RESULTS} of them, with the counts of
 * all (the summary counts every result, listed or not): what fails first, then warnings, skips and
 * passes, so a cut keeps what a team must act on.
 *
 * @param listed the results the report lists
 * @param counts how many results of each outcome there are, listed or not
 */
record NamespaceResults(List<ReportResult> listed, Map<Outcome, Integer> counts) {

  /** Results one report lists at most: a report is one object, and etcd limits its size. */
  static final int MAX_RESULTS = 1_000;

  private static final Comparator<ReportResult> ORDER =
      Comparator.comparing(ReportResult::result)
          .thenComparing(ReportResult::policyKind)
          .thenComparing(ReportResult::policy)
          .thenComparing(r -> r.workload().kind())
          .thenComparing(r -> r.workload().name())
          .thenComparing(ReportResult::rule);

  NamespaceResults {
    listed = List.copyOf(listed);
    counts = Map.copyOf(counts);
  }

  /** The results of several policies in one namespace, ordered and cut to the cap. */
  static NamespaceResults of(List<ReportResult> results) {
    List<ReportResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing((ReportResult r) -> rank(r.result())).thenComparing(ORDER));
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, 0);
    }
    results.forEach(r -> counts.merge(r.result(), 1, Integer::sum));
    return new NamespaceResults(sorted.subList(0, Math.min(MAX_RESULTS, sorted.size())), counts);
  }

  /**
   * Several policies' results in one namespace as one report: their listed results, ordered and cut
   * to the cap, and the sum of their counts.
   */
  static NamespaceResults merge(List<NamespaceResults> parts) {
    List<ReportResult> listed = new ArrayList<>();
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (NamespaceResults part : parts) {
      listed.addAll(part.listed());
      part.counts().forEach((outcome, n) -> counts.merge(outcome, n, Integer::sum));
    }
    NamespaceResults ordered = of(listed);
    return new NamespaceResults(ordered.listed(), counts.isEmpty() ? ordered.counts() : counts);
  }

  /** How many results the report does not list. */
  int omitted() {
    return counts.values().stream().mapToInt(Integer::intValue).sum() - listed.size();
  }

  private static int rank(Outcome outcome) {
    return switch (outcome) {
      case FAIL -> 0;
      case WARN -> 1;
      case SKIP -> 2;
      case PASS -> 3;
    };
  }
}
