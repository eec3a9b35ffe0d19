package dev.tonnage.audit;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both reconcilers share: one auditor (so one budget, one Event dedup, one metric ledger), one
 * view of the cluster, the settings and the clock.
 *
 * @param auditor runs audits
 * @param cluster the informer-backed view, also the source of Pod change triggers
 * @param settings intervals and budgets
 * @param clock the time written into statuses
 * @param statusWrites counts status patches, for the benchmark and logs
 * @param leading false once this replica lost the leader Lease: it must not audit any more
 */
public record AuditRuntime(
    PolicyAuditor auditor,
    ClusterView cluster,
    AuditSettings settings,
    Clock clock,
    AtomicLong statusWrites,
    AtomicBoolean leading) {

  /** A runtime that audits (no leader election, or the Lease is held). */
  public AuditRuntime(
      PolicyAuditor auditor, ClusterView cluster, AuditSettings settings, Clock clock) {
    this(auditor, cluster, settings, clock, new AtomicLong(), new AtomicBoolean(true));
  }
}
