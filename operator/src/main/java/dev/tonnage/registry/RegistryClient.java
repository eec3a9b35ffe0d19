package dev.tonnage.registry;

import com.github.benmanes.caffeine.cache.Cache;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry engine: measures images from any OCI / Docker registry without pulling them. One
 * instance per process: it holds the one HTTP client, the caches and the in-flight fetches.
 * Concurrent requests for the same image share one fetch; a caller whose deadline passes gets a
 * {@link RegistryTimeoutException} while the fetch goes on to warm the cache.
 *
 * <p>Threads are bounded whatever registries serve: {@code fetchThreads} fetch threads with a
 * bounded queue (a full queue fails at once as temporarily unavailable, never blocks or grows), as
 * many helper threads that an image's platforms and layers borrow when idle (never queued), one
 * deadline timer, and okhttp's housekeeping; HTTP exchanges run on these threads (HTTP/1.1, no
 * fast-fallback connect races), see {@link #maxThreads(RegistryClientConfig)}.
 */
public final class RegistryClient implements ImageInspector, AutoCloseable {

  private record FlightKey(String reference, String principal, boolean uncompressed) {
    // Written out, as in ImageReference: the generated ones are linked on first use.
    @Override
    public boolean equals(Object other) {
      return other instanceof FlightKey that
          && Objects.equals(reference, that.reference)
          && Objects.equals(principal, that.principal)
          && uncompressed == that.uncompressed;
    }

    @Override
    public int hashCode() {
      return Objects.hash(reference, principal, uncompressed);
    }
  }

  private final RegistryClientConfig config;
  private final RegistryTransport transport;
  private final FactsCaches caches;
  private final FactsFetcher fetcher;

  /**
   * Threads okhttp starts itself (shared by every okhttp client in the JVM): its task runner, the
   * connection-pool closer and Okio's timeout watchdog. The caches do their upkeep on the threads
   * that write them, not on the common pool.
   */
  static final int OKHTTP_THREADS = 3;

  /**
   * Threads streaming whole layers (the audit settling uncertain sizes): a stream takes seconds to
   * minutes, so streams get their own few threads and never hold the fetch pool the webhook needs.
   */
  static final int STREAM_THREADS = 2;

  /** Layer streams waiting for a thread; beyond it a stream fails at once as busy. */
  static final int MAX_QUEUED_STREAMS = 256;

  /** How long an idle fetch or helper thread lingers before it ends. */
  private static final long IDLE_THREAD_SECONDS = 60;

  private final ThreadPoolExecutor executor;
  private final ThreadPoolExecutor helpers;
  private final ThreadPoolExecutor streams;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<FlightKey, CompletableFuture<ImageFacts>> inFlight = new ConcurrentHashMap<>();

  public RegistryClient(RegistryClientConfig config) {
    this(config, RegistryEventListener.NONE);
  }

  public RegistryClient(RegistryClientConfig config, RegistryEventListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(listener, "listener");
    this.executor =
        new ThreadPoolExecutor(
            config.fetchThreads(),
            config.fetchThreads(),
            IDLE_THREAD_SECONDS,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.maxQueuedFetches()),
            daemonThreads("tonnage-registry-"),
            new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
    // No queue: a helper either starts at once on an idle thread or is not needed (FanOut).
    this.helpers =
        new ThreadPoolExecutor(
            0,
            config.fetchThreads(),
            IDLE_THREAD_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemonThreads("tonnage-registry-helper-"),
            new ThreadPoolExecutor.AbortPolicy());
    this.streams =
        new ThreadPoolExecutor(
            STREAM_THREADS,
            STREAM_THREADS,
            IDLE_THREAD_SECONDS,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_STREAMS),
            daemonThreads("tonnage-registry-stream-"),
            new ThreadPoolExecutor.AbortPolicy());
    this.streams.allowCoreThreadTimeOut(true);
    this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("tonnage-registry-deadline-"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.transport = new RegistryTransport(config, listener);
    this.caches = new FactsCaches(config, listener);
    this.fetcher =
        new FactsFetcher(
            transport, caches, helpers, config.requestTimeout(), config.resolveTagsWithGet());
  }

  /**
   * The most threads this engine runs at once, whatever registries serve: fetch threads, as many
   * helpers, the layer-stream threads, the deadline timer and okhttp's own. Callers' threads only
   * wait on futures.
   */
  public static int maxThreads(RegistryClientConfig config) {
    return 2 * config.fetchThreads() + STREAM_THREADS + 1 + OKHTTP_THREADS;
  }

  public RegistryClientConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<ImageFacts> inspect(ImageReference ref, InspectRequest request) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(request, "request");
    List<PullTarget> targets = PullTarget.routes(ref, request.credentials(), config);
    PullTarget target = targets.get(targets.size() - 1);
    ImageFacts cached = null;
    for (PullTarget via : targets) {
      cached = cached != null ? cached : fetcher.cachedOnly(ref, via, request.uncompressed());
    }
    CompletableFuture<ImageFacts> facts;
    if (cached != null) {
      facts = CompletableFuture.completedFuture(cached);
    } else {
      RegistryException failed =
          caches.lookup(
              caches.failures,
              FactsCaches.failureKey(ref, target),
              RegistryEventListener.Cache.NEGATIVE);
      facts =
          failed != null
              ? CompletableFuture.failedFuture(failed)
              : shared(ref, targets, request.uncompressed(), request.deadline());
    }
    if (!request.candidateBases().isEmpty()) {
      facts = facts.thenCompose(found -> BaseImageMatcher.withCandidateBases(this, found, request));
    }
    return facts.isDone() ? facts : withDeadline(facts, ref, request.deadline());
  }

  /**
   * One fetch per (image, principal, uncompressed) at a time, however many callers wait; asked of
   * each of {@code targets} in turn (mirrors, then the upstream, the last) until one answers.
   */
  private CompletableFuture<ImageFacts> shared(
      ImageReference ref, List<PullTarget> targets, boolean uncompressed, Instant deadline) {
    PullTarget target = targets.get(targets.size() - 1);
    FlightKey key = new FlightKey(ref.toString(), target.principal(), uncompressed);
    CompletableFuture<ImageFacts> mine = new CompletableFuture<>();
    CompletableFuture<ImageFacts> existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      return existing;
    }
    Runnable fetch =
        () -> {
          ImageFacts facts = null;
          Throwable failure = null;
          try {
            facts = fetcher.loadVia(ref, targets, uncompressed, deadline);
          } catch (NotFoundException | UnauthorizedException | ForbiddenException e) {
            caches.failures.put(FactsCaches.failureKey(ref, target), e);
            failure = e;
          } catch (RegistryException | RuntimeException | Error e) {
            failure = e; // every outcome completes the flight, or its callers wait in vain
          }
          // Leave the flight before completing it, so no later caller joins a finished one.
          inFlight.remove(key, mine);
          if (failure != null) {
            mine.completeExceptionally(failure);
          } else {
            mine.complete(facts);
          }
        };
    try {
      executor.execute(fetch);
    } catch (RejectedExecutionException e) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(
          rejected(ref, e, config.fetchThreads(), config.maxQueuedFetches(), "fetches"));
    }
    return mine;
  }

  /**
   * Settles a layer's uncompressed size exactly by streaming the whole layer through a gzip or zstd
   * decoder, storing nothing — for sizes the gzip trailer only bounds ({@code exact: false}) or a
   * zstd header does not declare. Meant for the audit, the webhook's background settling and the
   * CLI, within a bandwidth budget: a layer larger than {@code maxCompressedBytes} is refused
   * without a request. The result is cached by layer digest, so later inspections of any image with
   * this layer report it exact. Uncompressed tar layers are answered without a request; foreign
   * layers (not held by the registry) fail with {@link IllegalArgumentException}.
   *
   * @param image the image (registry and repository) the layer belongs to
   * @param layer the layer, as in its {@link PlatformFacts}
   */
  public CompletableFuture<UncompressedSize> streamUncompressedSize(
      ImageReference image, LayerFacts layer, InspectRequest request, long maxCompressedBytes) {
    MediaTypes.Compression compression = MediaTypes.compressionOf(layer.mediaType());
    if (compression == MediaTypes.Compression.NONE) {
      return CompletableFuture.completedFuture(
          UncompressedSize.exact(layer.size(), "uncompressed-layer"));
    }
    if (MediaTypes.isForeignLayer(layer.mediaType())) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "layer "
                  + layer.digest()
                  + " ("
                  + layer.mediaType()
                  + ") cannot be streamed: only layers held by the registry can"));
    }
    if (layer.size() > maxCompressedBytes) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "layer "
                  + layer.digest()
                  + " is "
                  + layer.size()
                  + " bytes, over the budget of "
                  + maxCompressedBytes));
    }
    PullTarget target = PullTarget.of(image, request.credentials());
    Descriptor descriptor =
        new Descriptor(
            layer.mediaType(), layer.digest(), layer.size(), Map.of(), null, List.of(), null);
    Duration timeout = Duration.between(Instant.now(), request.deadline());
    CompletableFuture<UncompressedSize> size = new CompletableFuture<>();
    Runnable stream =
        () -> {
          try {
            UncompressedSize exact =
                transport.send(
                    target,
                    new LayerStream(image, descriptor, compression, timeout),
                    request.deadline());
            caches.settled(layer.digest(), exact);
            size.complete(exact);
          } catch (RegistryException | RuntimeException | Error e) {
            size.completeExceptionally(e);
          }
        };
    try {
      streams.execute(stream);
    } catch (RejectedExecutionException e) {
      size.completeExceptionally(
          rejected(image, e, STREAM_THREADS, MAX_QUEUED_STREAMS, "layer streams"));
    }
    return withDeadline(size, image, request.deadline());
  }

  private <T> CompletableFuture<T> withDeadline(
      CompletableFuture<T> facts, ImageReference ref, Instant deadline) {
    CompletableFuture<T> result = new CompletableFuture<>();
    long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    ScheduledFuture<?> timeout =
        timer.schedule(
            () ->
                result.completeExceptionally(
                    new RegistryTimeoutException(
                        ref.registry(),
                        ref.repository(),
                        "no facts for "
                            + ref
                            + " from "
                            + ref.registry()
                            + " within the deadline; the fetch goes on in the background, so"
                            + " asking again shortly may be answered from cache")),
            millis,
            TimeUnit.MILLISECONDS);
    facts.whenComplete(
        (value, error) -> {
          timeout.cancel(false);
          if (error != null) {
            result.completeExceptionally(
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error);
          } else {
            result.complete(value);
          }
        });
    return result;
  }

  /** A fetch the pool would not take: busy (temporary), or the client is closed. */
  private Exception rejected(
      ImageReference ref, RejectedExecutionException e, int running, int waiting, String what) {
    if (executor.isShutdown()) {
      return new IllegalStateException("the registry client is closed", e);
    }
    return new UnavailableException(
        ref.registry(),
        ref.repository(),
        "registry engine busy: "
            + running
            + " "
            + what
            + " running and "
            + waiting
            + " waiting, so "
            + ref
            + " was not fetched; retry shortly",
        true,
        e,
        RegistryTransport.BUSY);
  }

  /**
   * The facts caches by name, for their hit and eviction metrics; names and caches are fixed for
   * the client's life.
   */
  public Map<String, Cache<?, ?>> caches() {
    return Collections.unmodifiableMap(caches.byName());
  }

  @Override
  public void close() {
    executor.shutdownNow();
    helpers.shutdownNow();
    streams.shutdownNow();
    timer.shutdownNow();
    transport.close();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
