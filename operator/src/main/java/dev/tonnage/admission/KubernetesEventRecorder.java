package dev.tonnage.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes admission Events on one background thread through a bounded queue, so that the API
 * server's latency never adds to a review's. Repeats of one event (a CI pipeline retrying the same
 * denied apply) within ten minutes bump the count of the first instead of creating new objects.
 * When the queue is full or the API server refuses, the event is dropped and counted.
 */
public final class KubernetesEventRecorder implements EventRecorder, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  static final String COMPONENT = "tonnage";
  static final String POLICY_API_VERSION = "tonnage.dev/v1alpha1";
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final AdmissionMetrics metrics;
  private final String instance;
  private final Clock clock;
  private final ThreadPoolExecutor executor;
  private final Cache<String, Recorded> recent =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).maximumSize(10_000).build();

  private final AtomicLong sequence = new AtomicLong();

  private record Recorded(String name, int count) {}

  /**
   * @param instance this replica's name, recorded as the reporting instance
   */
  public KubernetesEventRecorder(
      KubernetesClient client, AdmissionMetrics metrics, String instance, Clock clock) {
    this.client = client;
    this.metrics = metrics;
    this.instance = instance;
    this.clock = clock;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000),
            r -> {
              Thread t = new Thread(r, "tonnage-events");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void record(ObjectRef involved, AdmissionEvent event) {
    try {
      executor.execute(() -> write(involved, event));
    } catch (RejectedExecutionException e) {
      metrics.eventDropped();
    }
  }

  /** Writes what is queued (for up to five seconds), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  private void write(ObjectRef involved, AdmissionEvent event) {
    String namespace = involved.namespace().isEmpty() ? "default" : involved.namespace();
    String message = truncate(event.message());
    String key =
        String.join(
            "\u0000",
            namespace,
            involved.kind(),
            involved.name(),
            event.reason(),
            message,
            event.policy().kind(),
            event.policy().name());
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    try {
      Recorded previous = recent.getIfPresent(key);
      if (previous != null && bump(namespace, previous, now)) {
        recent.put(key, new Recorded(previous.name(), previous.count() + 1));
        return;
      }
      Event created =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .resource(newEvent(namespace, involved, event, message, now))
              .create();
      recent.put(key, new Recorded(created.getMetadata().getName(), 1));
    } catch (KubernetesClientException e) {
      metrics.eventDropped();
      LOG.warn(
          "could not record event {} on {} {}/{}: {} {}",
          event.reason(),
          involved.kind(),
          namespace,
          involved.name(),
          e.getCode(),
          e.getStatus() == null ? "" : e.getStatus().getMessage());
    } catch (RuntimeException e) {
      metrics.eventDropped();
      LOG.warn("could not record event {}: {}", event.reason(), e.toString());
    }
  }

  private boolean bump(String namespace, Recorded previous, Instant now) {
    String patch = "{\"count\":" + (previous.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .withName(previous.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      // Expired or deleted: record it anew.
      return false;
    }
  }

  private Event newEvent(
      String namespace, ObjectRef involved, AdmissionEvent event, String message, Instant now) {
    String base =
        involved.name().isEmpty() ? involved.kind().toLowerCase(Locale.ROOT) : involved.name();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(
            base + "." + Long.toHexString(System.nanoTime()) + Long.toHexString(now.toEpochMilli()))
        .endMetadata()
        .withInvolvedObject(
            reference(
                involved.apiVersion(), involved.kind(), namespace, involved.name(), involved.uid()))
        .withRelated(
            reference(
                POLICY_API_VERSION,
                event.policy().kind(),
                event.policy().namespace(),
                event.policy().name(),
                event.policy().uid()))
        .withReason(event.reason())
        .withMessage(message)
        .withType("Warning")
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent("tonnage.dev/admission")
        .withReportingInstance(instance)
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withCount(1)
        .build();
  }

  private static ObjectReference reference(
      String apiVersion, String kind, String namespace, String name, String uid) {
    return new ObjectReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNamespace(namespace == null || namespace.isEmpty() ? null : namespace)
        .withName(name)
        .withUid(uid == null || uid.isEmpty() ? null : uid)
        .build();
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
