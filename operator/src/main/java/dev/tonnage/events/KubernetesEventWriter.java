package dev.tonnage.events;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
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
 * The one writer of Tonnage's Events, for admission and audit: one background thread behind a
 * bounded queue, so the API server's latency never adds to a review or an audit. The same Event
 * (object, reason, message, policy) within {@link #SERIES_WINDOW} of its first write is a series:
 * its {@code count} and {@code lastTimestamp} grow on the first Event instead of new objects, and
 * are patched at most once per {@link #COUNT_PATCH_INTERVAL}, so an audit repeating every few
 * seconds costs the API server a patch a half-minute at most. The series map is bounded; a
 * forgotten series only starts a new Event early. When the queue is full or the API server refuses,
 * the Event is dropped and {@code dropped} runs.
 */
public final class KubernetesEventWriter implements EventWriter, AutoCloseable {

  /** The one component name, as {@code source.component} and {@code reportingComponent}. */
  public static final String COMPONENT = "tonnage";

  static final Duration SERIES_WINDOW = Duration.ofMinutes(10);
  static final Duration COUNT_PATCH_INTERVAL = Duration.ofSeconds(30);
  static final int MAX_SERIES = 10_000;
  static final int MAX_QUEUED = 1_000;
  static final int MAX_MESSAGE_CHARS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventWriter.class);

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final Runnable dropped;
  private final ThreadPoolExecutor executor;
  // Read and written only on the executor's one thread.
  private final Cache<String, Series> series =
      Caffeine.newBuilder()
          .expireAfterWrite(SERIES_WINDOW)
          .maximumSize(MAX_SERIES)
          .executor(Runnable::run)
          .build();
  private final AtomicLong names = new AtomicLong();

  /** One Event object and what of its count the API server has. */
  private record Series(String name, Instant first, int count, Instant lastPatched) {}

  /**
   * @param instance this replica's name, recorded as {@code reportingInstance}
   * @param dropped runs for every Event not recorded (e.g. a counter)
   */
  public KubernetesEventWriter(
      KubernetesClient client, String instance, Clock clock, Runnable dropped) {
    this.client = client;
    this.instance = instance;
    this.clock = clock;
    this.dropped = dropped;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED),
            r -> {
              Thread t = new Thread(r, "tonnage-events");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void warn(WarningEvent event) {
    // Stamped now, not when the queue gets to it.
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    try {
      executor.execute(() -> write(event, at));
    } catch (RejectedExecutionException e) {
      dropped.run();
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

  private void write(WarningEvent event, Instant now) {
    ObjectReference involved = event.involved();
    String namespace =
        involved.getNamespace() == null || involved.getNamespace().isEmpty()
            ? "default"
            : involved.getNamespace();
    String message = truncate(event.message());
    String key = key(namespace, event, message);
    try {
      Series previous = series.getIfPresent(key);
      if (previous != null && previous.first().plus(SERIES_WINDOW).isAfter(now)) {
        repeat(key, namespace, previous, now);
        return;
      }
      Event created =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .resource(newEvent(namespace, event, message, now))
              .create();
      series.put(key, new Series(created.getMetadata().getName(), now, 1, now));
    } catch (KubernetesClientException e) {
      dropped.run();
      LOG.warn(
          "could not record Event {} on {} {}/{}: {} {}",
          event.reason(),
          involved.getKind(),
          namespace,
          involved.getName(),
          e.getCode(),
          e.getStatus() == null ? "" : e.getStatus().getMessage());
    } catch (RuntimeException e) {
      dropped.run();
      LOG.warn("could not record Event {}: {}", event.reason(), e.toString());
    }
  }

  /** Counts a repeat; patches the count when the last patch is old enough. */
  private void repeat(String key, String namespace, Series previous, Instant now) {
    int count = previous.count() + 1;
    if (previous.lastPatched().plus(COUNT_PATCH_INTERVAL).isAfter(now)) {
      series.put(key, new Series(previous.name(), previous.first(), count, previous.lastPatched()));
      return;
    }
    String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}";
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .withName(previous.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      series.put(key, new Series(previous.name(), previous.first(), count, now));
    } catch (KubernetesClientException e) {
      // Expired or deleted on the server: the next repeat starts a new Event.
      LOG.debug("could not count a repeat on Event {}: {}", previous.name(), e.getMessage());
      series.invalidate(key);
    }
  }

  private Event newEvent(String namespace, WarningEvent event, String message, Instant now) {
    ObjectReference involved = event.involved();
    String base =
        involved.getName() == null || involved.getName().isEmpty()
            ? involved.getKind().toLowerCase(Locale.ROOT)
            : involved.getName();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(
            base
                + "."
                + Long.toHexString(now.toEpochMilli())
                + Long.toHexString(names.incrementAndGet()))
        .endMetadata()
        .withInvolvedObject(involved)
        .withRelated(event.related())
        .withReason(event.reason().name())
        .withMessage(message)
        .withType("Warning")
        .withAction(event.action())
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withCount(1)
        .build();
  }

  private static String key(String namespace, WarningEvent event, String message) {
    ObjectReference involved = event.involved();
    ObjectReference related = event.related();
    return String.join(
        "\u0000",
        namespace,
        involved.getKind(),
        String.valueOf(involved.getName()),
        event.reason().name(),
        message,
        related == null ? "" : related.getKind(),
        related == null ? "" : String.valueOf(related.getNamespace()),
        related == null ? "" : related.getName());
  }

  /** At most {@link #MAX_MESSAGE_CHARS}, never cut inside a surrogate pair. */
  static String truncate(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int end = MAX_MESSAGE_CHARS - 1;
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--;
    }
    return message.substring(0, end) + "…";
  }
}
