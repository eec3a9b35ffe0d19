package dev.tonnage.operator;

import dev.tonnage.api.v1alpha1.ImagePolicyException;
import dev.tonnage.api.v1alpha1.ImagePolicyExceptionStatus;
import dev.tonnage.policy.CompiledException;
import dev.tonnage.policy.ExceptionMatcher;
import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.InvalidPolicyException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ImagePolicyExceptions in force, from an informer over every namespace: those in trusted
 * namespaces that compile, at most {@link ExceptionMatcher#MAX_EXCEPTIONS}. Each exception's status
 * says whether it is honoured (Ready True) or why not (Untrusted, Invalid, TooMany, Expired). Every
 * change and every expiry publishes a new matcher: that is how the audit knows to run again.
 */
public final class ExceptionCache implements ExceptionSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExceptionCache.class);

  private final KubernetesClient client;
  private final Set<String> trusted;
  private final Clock clock;
  private final SharedIndexInformer<ImagePolicyException> informer;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tonnage-exceptions");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Map<String, Integer>> matchedByPolicy = new HashMap<>();
  private volatile ExceptionMatcher matcher = ExceptionMatcher.NONE;
  private ScheduledFuture<?> expiryTimer;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();

  private ExceptionCache(KubernetesClient client, Set<String> trusted, Clock clock) {
    this.client = client;
    this.trusted = Set.copyOf(trusted);
    this.clock = clock;
    this.informer =
        client.resources(ImagePolicyException.class).inAnyNamespace().runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ImagePolicyException obj) {
            refreshLater();
          }

          @Override
          public void onUpdate(ImagePolicyException oldObj, ImagePolicyException newObj) {
            if (!Objects.equals(
                oldObj.getMetadata().getGeneration(), newObj.getMetadata().getGeneration())) {
              refreshLater();
            }
          }

          @Override
          public void onDelete(ImagePolicyException obj, boolean deletedFinalStateUnknown) {
            refreshLater();
          }
        });
  }

  /**
   * Starts the informer and waits for its first list.
   *
   * @param trusted the namespaces whose exceptions are honoured ({@code --exception-namespace})
   */
  public static ExceptionCache start(
      KubernetesClient client, Set<String> trusted, Clock clock, Duration timeout)
      throws TimeoutException {
    ExceptionCache cache = new ExceptionCache(client, trusted, clock);
    try {
      cache.informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      cache.worker.submit(cache::refresh).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      cache.close();
      throw new TimeoutException(
          "the ImagePolicyException cache did not fill within "
              + timeout
              + "; is its CRD installed (crds/) and may the operator list and watch"
              + " imagepolicyexceptions?");
    } catch (Exception e) {
      cache.close();
      throw new IllegalStateException(
          "cannot watch ImagePolicyExceptions; is the CRD installed (crds/)? " + e, e);
    }
    return cache;
  }

  @Override
  public ExceptionMatcher exceptions() {
    return matcher;
  }

  public boolean synced() {
    return informer.hasSynced();
  }

  /**
   * Records how many workloads the last audit of {@code policy} found waived by each exception
   * ({@code namespace/name}), for the exceptions' status.matchedWorkloads.
   */
  public void recordMatches(String policy, Map<String, Integer> byException) {
    worker.execute(
        () -> {
          if (byException.isEmpty()) {
            matchedByPolicy.remove(policy);
          } else {
            matchedByPolicy.put(policy, Map.copyOf(byException));
          }
          writeStatuses();
        });
  }

  /**
   * Queues one refresh unless one is already queued: a burst of informer events (anyone allowed to
   * create exceptions anywhere can cause one) costs one refresh, not one per event.
   */
  private void refreshLater() {
    if (!worker.isShutdown() && refreshQueued.compareAndSet(false, true)) {
      worker.execute(
          () -> {
            refreshQueued.set(false);
            refresh();
          });
    }
  }

  /** Compiles the trusted exceptions, publishes the matcher, writes statuses, arms the timer. */
  private void refresh() {
    List<CompiledException> compiled = new ArrayList<>();
    for (ImagePolicyException e : informer.getStore().list()) {
      if (trusted.contains(e.getMetadata().getNamespace())) {
        try {
          compiled.add(CompiledException.compile(e));
        } catch (InvalidPolicyException invalid) {
          LOG.warn("{}", invalid.getMessage());
        }
      }
    }
    matcher = new ExceptionMatcher(compiled, clock);
    writeStatuses();
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
    }
    Optional<Instant> next = matcher.nextExpiry();
    next.ifPresent(
        at -> {
          long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis()) + 1;
          expiryTimer = worker.schedule(this::refresh, delay, TimeUnit.MILLISECONDS);
        });
  }

  private void writeStatuses() {
    Map<String, CompiledException> honoured = new HashMap<>();
    matcher.exceptions().forEach(c -> honoured.put(c.displayName(), c));
    Instant now = clock.instant();
    for (ImagePolicyException e : informer.getStore().list()) {
      String key = e.getMetadata().getNamespace() + "/" + e.getMetadata().getName();
      CompiledException c = honoured.get(key);
      Condition ready = ready(e, c, now);
      Integer matched = c == null ? null : matched(key);
      write(e, ready, matched);
    }
  }

  private int matched(String exception) {
    return matchedByPolicy.values().stream().mapToInt(m -> m.getOrDefault(exception, 0)).sum();
  }

  private Condition ready(ImagePolicyException e, CompiledException compiled, Instant now) {
    String namespace = e.getMetadata().getNamespace();
    if (!trusted.contains(namespace)) {
      return condition(
          "False",
          "Untrusted",
          "namespace "
              + namespace
              + " is not trusted for exceptions; the operator honours those in "
              + String.join(", ", trusted.stream().sorted().toList())
              + " (--exception-namespace)");
    }
    if (compiled == null) {
      try {
        CompiledException.compile(e);
        return condition(
            "False",
            "TooMany",
            "more than "
                + ExceptionMatcher.MAX_EXCEPTIONS
                + " exceptions are trusted; only the first by namespace and name are honoured");
      } catch (InvalidPolicyException invalid) {
        return condition("False", "Invalid", invalid.getMessage());
      }
    }
    if (compiled.expiredAt(now)) {
      return condition(
          "False",
          "Expired",
          "expired at " + compiled.expiresAt().orElseThrow() + "; waives nothing");
    }
    return condition(
        "True",
        "Active",
        compiled.expiresAt().map(at -> "honoured until " + at).orElse("honoured; never expires"));
  }

  private static Condition condition(String status, String reason, String message) {
    return new ConditionBuilder()
        .withType("Ready")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
        .build();
  }

  /** Patches the status when it says something new; unchanged statuses are not written. */
  private void write(ImagePolicyException e, Condition ready, Integer matched) {
    ImagePolicyExceptionStatus current = e.getStatus();
    Long generation = e.getMetadata().getGeneration();
    if (current != null
        && Objects.equals(current.getObservedGeneration(), generation)
        && Objects.equals(current.getMatchedWorkloads(), matched)
        && current.getConditions() != null
        && current.getConditions().size() == 1
        && sameCondition(current.getConditions().get(0), ready)) {
      return;
    }
    // The transition time moves only when Ready changes.
    ready.setLastTransitionTime(
        Optional.ofNullable(current)
            .map(ImagePolicyExceptionStatus::getConditions)
            .flatMap(cs -> cs.stream().filter(c -> "Ready".equals(c.getType())).findFirst())
            .filter(c -> ready.getStatus().equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(clock.instant().toString()));
    ready.setObservedGeneration(generation);
    ImagePolicyExceptionStatus status = new ImagePolicyExceptionStatus();
    status.setObservedGeneration(generation);
    status.setConditions(List.of(ready));
    status.setMatchedWorkloads(matched);
    ImagePolicyException patch = new ImagePolicyException();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(e.getMetadata().getName())
            .withNamespace(e.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    try {
      client.resource(patch).patchStatus();
    } catch (KubernetesClientException ex) {
      LOG.warn(
          "cannot write the status of ImagePolicyException {}/{}: {}",
          e.getMetadata().getNamespace(),
          e.getMetadata().getName(),
          ex.getMessage());
    }
  }

  private static boolean sameCondition(Condition a, Condition b) {
    return Objects.equals(a.getStatus(), b.getStatus())
        && Objects.equals(a.getReason(), b.getReason())
        && Objects.equals(a.getMessage(), b.getMessage());
  }

  @Override
  public void close() {
    worker.shutdownNow();
    informer.close();
  }
}
