package dev.tonnage.audit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's leader Lease: takes it, keeps it, and after losing it (or never getting it) keeps
 * trying, so that a replica that lost the Lease audits again once it holds it. The webhook is not
 * involved: nothing here exits the process.
 *
 * <p>Failures to read, take or renew the Lease (its namespace missing, RBAC, the API server down)
 * are counted, and logged as one line a minute without a stack trace; the election library never
 * sees them as exceptions, so it does not log them either.
 */
final class AuditLease implements AutoCloseable {

  /** How long the Lease is held, how long renewing may fail, and how often to try. */
  record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    /** The client-go defaults that JOSDK uses too. */
    static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  /** Told when this replica starts or stops leading, and of every failed Lease call. */
  interface Listener {
    void leading(boolean leading);

    void failed();
  }

  /** One warning a minute at most, whatever the retry period. */
  static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);

  // The reason in a log line: the API server's message, cut (it may quote the request).
  private static final int MAX_REASON = 300;

  // Stands for "whoever holds it" when the Lease could not be read: the elector then waits.
  private static final String UNREADABLE = "<lease unreadable>";

  private static final Logger LOG = LoggerFactory.getLogger(AuditLease.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Timing timing;
  private final Listener listener;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicReference<CompletableFuture<?>> election = new AtomicReference<>();
  private volatile boolean closed;
  private volatile boolean leading;
  private Instant lastFailureLog; // null until the first message
  private long failuresSinceLog;

  AuditLease(
      KubernetesClient client,
      String namespace,
      String name,
      String identity,
      Timing timing,
      Listener listener,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.timing = timing;
    this.listener = listener;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tonnage-audit-lease");
              t.setDaemon(true);
              return t;
            });
  }

  /** Enters the election; returns at once. */
  void start() {
    listener.leading(false);
    executor.execute(this::elect);
  }

  /** Whether this replica holds the Lease now. */
  boolean leading() {
    return leading;
  }

  /** Leaves the election, releasing the Lease if held so another replica takes over at once. */
  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> running = election.getAndSet(null);
    if (running != null) {
      running.cancel(true);
    }
    executor.shutdown();
    try {
      executor.awaitTermination(timing.retryPeriod().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  /** One round: acquire, renew until lost, then a new round (a LeaderElector runs only once). */
  private void elect() {
    if (closed) {
      return;
    }
    LeaderElector elector =
        new LeaderElector(
            client,
            new LeaderElectionConfig(
                new CountingLock(new LeaseLock(namespace, name, identity)),
                timing.leaseDuration(),
                timing.renewDeadline(),
                timing.retryPeriod(),
                new LeaderCallbacks(this::startedLeading, this::stoppedLeading, leader -> {}),
                true,
                name),
            executor);
    CompletableFuture<?> round = elector.start();
    election.set(round);
    round.whenComplete(
        (ignored, error) -> {
          if (!closed) {
            executor.schedule(this::elect, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private void startedLeading() {
    leading = true;
    LOG.info("{} holds the audit Lease {}/{} and audits", identity, namespace, name);
    listener.leading(true);
  }

  private void stoppedLeading() {
    if (!leading) {
      return;
    }
    leading = false;
    listener.leading(false);
    if (!closed) {
      LOG.warn(
          "{} lost the audit Lease {}/{}: auditing pauses here and resumes once it holds it again",
          identity,
          namespace,
          name);
    }
  }

  private void failed(String action, RuntimeException e) {
    listener.failed();
    Instant now = clock.instant();
    synchronized (this) {
      failuresSinceLog++;
      if (lastFailureLog != null
          && Duration.between(lastFailureLog, now).compareTo(FAILURE_LOG_INTERVAL) < 0) {
        return;
      }
      LOG.warn(
          "cannot {} the audit Lease {}/{}{}: {}; this replica does not audit until it holds the"
              + " Lease, the webhook is not affected. Check that namespace {} exists and that the"
              + " operator may get, create and update leases there.",
          action,
          namespace,
          name,
          lastFailureLog == null ? "" : " (" + failuresSinceLog + " failures in the last minute)",
          reason(e),
          namespace);
      lastFailureLog = now;
      failuresSinceLog = 0;
    }
  }

  private static String reason(RuntimeException e) {
    String text;
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      text = "HTTP " + k.getCode() + " " + k.getStatus().getMessage();
    } else {
      text = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "…";
  }

  /**
   * The Lease as the elector sees it, with failures turned into outcomes it handles quietly: an
   * unreadable Lease looks held by someone else, so the elector waits; a refused create or
   * take-over looks like a lost race; a refused renewal is kept from the elector (which would log
   * it with a stack trace), and once no renewal succeeded for the renew deadline the Lease looks
   * held by someone else, so the leader steps down before the Lease can expire.
   */
  private final class CountingLock implements Lock {
    private final Lock delegate;
    private volatile Instant lastWrite = Instant.EPOCH;

    CountingLock(Lock delegate) {
      this.delegate = delegate;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient kubernetes) {
      LeaderElectionRecord record;
      try {
        record = delegate.get(kubernetes);
      } catch (RuntimeException e) {
        failed("read", e);
        return heldElsewhere();
      }
      if (leading
          && Duration.between(lastWrite, clock.instant()).compareTo(timing.renewDeadline()) > 0) {
        return heldElsewhere();
      }
      return record;
    }

    @Override
    public void create(KubernetesClient kubernetes, LeaderElectionRecord record) {
      try {
        delegate.create(kubernetes, record);
        lastWrite = clock.instant();
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          failed("take", e);
        }
        throw conflict();
      }
    }

    @Override
    public void update(KubernetesClient kubernetes, LeaderElectionRecord record) {
      try {
        delegate.update(kubernetes, record);
        lastWrite = clock.instant();
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          failed(leading ? "renew" : "take", e);
        }
        if (!leading) {
          throw conflict();
        }
      }
    }

    @Override
    public String identity() {
      return delegate.identity();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    private LeaderElectionRecord heldElsewhere() {
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      return new LeaderElectionRecord(UNREADABLE, timing.leaseDuration(), now, now, 0);
    }

    private static boolean isConflict(RuntimeException e) {
      return e instanceof KubernetesClientException k && k.getCode() == 409;
    }

    private KubernetesClientException conflict() {
      // 409 is what the elector treats as a lost race: retried, logged at debug only.
      return new KubernetesClientException("the Lease call failed; already reported", 409, null);
    }
  }
}
