package dev.tonnage.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link RegistryEndpoint} calls: picks the scheme, authenticates, follows redirects itself
 * (dropping Authorization when the host changes), retries temporary failures with backoff and
 * jitter within the caller's deadline, limits concurrency per registry and over all registries,
 * checks every address it connects to ({@link AddressPolicy}), reports every exchange to the {@link
 * RegistryEventListener}, and turns failures into {@link RegistryException}s. Through a proxy
 * ({@link ProxySettings}) https:// registries are reached through CONNECT tunnels, TLS end to end.
 */
final class RegistryTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryTransport.class);
  private static final int MAX_REDIRECTS = 5;

  /** The short cause of a fetch refused because Tonnage's own request budget is spent. */
  static final String BUSY = "registry engine busy";

  /**
   * Registries whose concurrency permits are remembered: Pods name any host, so the map is bounded.
   * At most {@code maxConcurrentRequests} hosts are busy at once, far fewer than this, so an
   * evicted host is nearly always idle; when a busy one is evicted, its callers release the
   * semaphore they hold and the host's next callers get a fresh one — that host may briefly have up
   * to twice its permits in flight, while the global limit holds throughout.
   */
  static final int MAX_TRACKED_REGISTRIES = 1_024;

  /** Idle keep-alive connections kept: enough for the busy registries, nothing more. */
  private static final int MAX_IDLE_CONNECTIONS = 32;

  private final RegistryClientConfig config;
  private final RegistryEventListener listener;
  private final SchemeClients http;
  private final RegistryAuth auth;
  private final Cache<String, Semaphore> permits =
      Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_TRACKED_REGISTRIES).build();
  private final Semaphore allPermits;

  RegistryTransport(RegistryClientConfig config, RegistryEventListener listener) {
    this.config = config;
    this.listener = listener;
    this.allPermits = new Semaphore(config.maxConcurrentRequests());
    AddressPolicy addresses =
        new AddressPolicy(
            config.allowPrivateAddresses(), config.allowLinkLocalAddresses(), okhttp3.Dns.SYSTEM);
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.requestTimeout())
            .callTimeout(config.requestTimeout())
            .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
            // Every exchange runs on the calling thread: HTTP/2 would add a reader thread per
            // connection, fast fallback a thread per racing connect attempt (one per address a
            // hostile DNS answer lists).
            .protocols(List.of(Protocol.HTTP_1_1))
            .fastFallback(false)
            .dns(addresses.dns())
            .addInterceptor(addresses.literalGuard())
            .addNetworkInterceptor(addresses.connectedGuard());
    config.proxies().route(builder);
    this.http =
        new SchemeClients(
            builder, config.caBundles().isEmpty() ? null : TrustBundle.of(config.caBundles()));
    this.auth = new RegistryAuth(config, listener, this::execute);
  }

  /** {@code scheme://registry/}: HTTP only for registries configured insecure. */
  static HttpUrl baseUrl(String registry, boolean insecure) {
    HttpUrl url = HttpUrl.parse((insecure ? "http://" : "https://") + registry + "/");
    if (url == null) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    return url;
  }

  /**
   * Sends {@code endpoint} for {@code target}, retrying temporary failures while the next attempt
   * can start before {@code retryUntil}.
   */
  <T> T send(PullTarget target, RegistryEndpoint<T> endpoint, Instant retryUntil)
      throws RegistryException {
    HttpUrl url =
        endpoint.url(
            baseUrl(target.registry(), config.isInsecure(target.registry()))
                .newBuilder()
                .addPathSegment("v2")
                .addPathSegments(target.repository())
                .addPathSegment("")
                .build());
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(target, endpoint, url);
      } catch (RegistryException e) {
        if (!retryable(e)) {
          throw e;
        }
        Duration wait =
            e instanceof RateLimitedException limited ? limited.retryAfter().orElse(null) : null;
        if (wait == null) {
          long ceiling = config.retryPolicy().ceilingAfter(attempt).toMillis();
          wait = Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
        }
        if (attempt >= config.retryPolicy().maxAttempts()
            || !Instant.now().plus(wait).isBefore(retryUntil)) {
          throw e;
        }
        log.debug(
            "retrying {} in {} ms after: {}",
            endpoint.description(),
            wait.toMillis(),
            e.getMessage());
        sleep(wait, e);
      }
    }
  }

  /** Rate limits, 5xx and connection failures; never other 4xx, refusals or bad content. */
  private static boolean retryable(RegistryException e) {
    return e instanceof RateLimitedException
        || (e instanceof UnavailableException && e.temporary());
  }

  private <T> T attempt(PullTarget target, RegistryEndpoint<T> endpoint, HttpUrl url)
      throws RegistryException {
    // Not fair: a chain that just finished a request may take the next permit at once, which
    // saves a thread hand-off per request under load; FIFO order among callers is not needed.
    // The registry's permit first, so callers queued on one slow registry hold no global permit.
    Semaphore permit =
        permits.get(
            target.registry(), r -> new Semaphore(config.maxConcurrentRequestsPerRegistry()));
    long waitUntil = System.nanoTime() + config.requestTimeout().toNanos();
    acquire(permit, waitUntil, target, endpoint, "to " + target.registry());
    try {
      acquire(allPermits, waitUntil, target, endpoint, "to all registries");
    } catch (RegistryException e) {
      permit.release();
      throw e;
    }
    Hop hop = new Hop(url);
    AddressPolicy.Scope scope = new AddressPolicy.Scope(url, null);
    try {
      String authorization = auth.upFront(target, scope).orElse(null);
      Response response = exchange(target, endpoint, hop, authorization, scope);
      // Only the registry's own challenge is answered, never one from a redirect target.
      if (response.code() == 401 && sameOrigin(response.request().url(), url)) {
        Optional<String> better = auth.answer(target, response, authorization, scope);
        if (better.isPresent()) {
          response.close();
          response = exchange(target, endpoint, hop.restart(url), better.get(), scope);
        }
      }
      try (Response done = response) {
        if (done.isSuccessful() || endpoint.reads(done.code())) {
          return endpoint.read(done);
        }
        byte[] body = CappedBody.readQuietly(done.body());
        throw RegistryErrors.fromResponse(target, endpoint.description(), done, body);
      }
    } catch (IOException e) {
      throw RegistryErrors.fromIOException(target, endpoint.description(), hop.url, e);
    } finally {
      allPermits.release();
      permit.release();
    }
  }

  private static void acquire(
      Semaphore semaphore,
      long untilNanos,
      PullTarget target,
      RegistryEndpoint<?> endpoint,
      String where)
      throws RegistryException {
    try {
      long wait = Math.max(0, untilNanos - System.nanoTime());
      if (!semaphore.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
        throw new UnavailableException(
            target.registry(),
            target.repository(),
            "too many requests "
                + where
                + " in flight to fetch "
                + endpoint.description()
                + "; retry later",
            true,
            null,
            BUSY);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryTimeoutException(
          target.registry(),
          target.repository(),
          "interrupted waiting to fetch " + endpoint.description());
    }
  }

  /** The URL an exchange is at: after redirects, the one a failure should name. */
  private static final class Hop {
    HttpUrl url;

    Hop(HttpUrl url) {
      this.url = url;
    }

    Hop restart(HttpUrl start) {
      url = start;
      return this;
    }
  }

  /** One request plus the redirects it leads to, followed by hand. */
  private Response exchange(
      PullTarget target,
      RegistryEndpoint<?> endpoint,
      Hop at,
      String authorization,
      AddressPolicy.Scope scope)
      throws IOException {
    HttpUrl url = at.url;
    HttpUrl current = url;
    String currentAuthorization = authorization;
    for (int redirects = 0; ; redirects++) {
      Request.Builder request =
          new Request.Builder()
              .url(current)
              .method(endpoint.method(), null)
              .tag(AddressPolicy.Scope.class, scope);
      if (!endpoint.accept().isEmpty()) {
        request.header("Accept", String.join(", ", endpoint.accept()));
      }
      endpoint.headers().forEach(request::header);
      if (currentAuthorization != null) {
        request.header("Authorization", currentAuthorization);
      }
      if (endpoint.callTimeout() != null) {
        request.tag(Duration.class, endpoint.callTimeout());
      }
      Response response = execute(request.build(), target.registry());
      if (redirects == 0) {
        reportRateLimit(target.registry(), response);
      }
      if (!response.isRedirect()) {
        return response;
      }
      String location = response.header("Location");
      response.close();
      HttpUrl next = location == null ? null : current.resolve(location);
      if (next == null || redirects >= MAX_REDIRECTS) {
        throw new IOException(
            "too many or malformed redirects for "
                + endpoint.description()
                + " at "
                + RegistryErrors.redact(current));
      }
      if (current.isHttps() && !next.isHttps() && !config.isInsecure(hostPort(next))) {
        throw new AddressPolicy.RefusedAddressException(
            "refusing the redirect of "
                + target.registry()
                + " from HTTPS to plain HTTP "
                + RegistryErrors.redact(next));
      }
      if (!sameOrigin(current, next)) {
        // Another host (blob storage, CDN) never sees the registry credentials; where it may be
        // reached is checked on the connection made (AddressPolicy.connectedGuard).
        currentAuthorization = null;
      }
      current = next;
      at.url = next;
    }
  }

  /** Executes one HTTP request and reports it; never follows redirects. */
  private Response execute(Request request, String registry) throws IOException {
    Request withAgent = request.newBuilder().header("User-Agent", config.userAgent()).build();
    long start = System.nanoTime();
    try {
      Call call = http.forUrl(withAgent.url()).newCall(withAgent);
      Duration callTimeout = request.tag(Duration.class);
      if (callTimeout != null) {
        call.timeout().timeout(Math.max(1, callTimeout.toMillis()), TimeUnit.MILLISECONDS);
      }
      Response response = call.execute();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      listener.requestCompleted(registry, request.method(), response.code(), took);
      log.debug(
          "{} {} -> {} in {} ms",
          request.method(),
          RegistryErrors.redact(request.url()),
          response.code(),
          took.toMillis());
      return response;
    } catch (IOException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      listener.requestCompleted(registry, request.method(), 0, took);
      log.debug(
          "{} {} failed: {}", request.method(), RegistryErrors.redact(request.url()), e.toString());
      throw e;
    }
  }

  private void reportRateLimit(String registry, Response response) {
    Long limit = leadingNumber(response.header("ratelimit-limit"));
    Long remaining = leadingNumber(response.header("ratelimit-remaining"));
    if (limit != null && remaining != null) {
      listener.rateLimitSeen(registry, limit, remaining);
    }
  }

  /** {@code "100;w=21600"} -> 100. */
  static Long leadingNumber(String header) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    int end = 0;
    while (end < value.length() && Character.isDigit(value.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 18) {
      return null;
    }
    return Long.parseLong(value.substring(0, end));
  }

  static String hostPort(HttpUrl url) {
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
  }

  private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  private static void sleep(Duration wait, RegistryException otherwise) throws RegistryException {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw otherwise;
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
