package dev.tonnage.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a {@link RegistryClient} talks to registries and what it caches. Start from {@link
 * #defaults()} or {@link #builder()}; {@link #toBuilder()} changes a copy.
 *
 * @param connectTimeout TCP + TLS connect timeout
 * @param requestTimeout longest one HTTP exchange may take, body included; a fetch that outlives
 *     the caller's deadline goes on up to this long to warm the cache
 * @param insecureRegistries registries (host or host:port) reached over plain HTTP; nothing else
 *     ever is
 * @param caBundles PEM files of extra CA certificates trusted besides the JVM's
 * @param allowPrivateAddresses let redirects and token realms of a public registry point at private
 *     or loopback addresses
 * @param allowLinkLocalAddresses allow link-local and cloud metadata addresses (169.254.0.0/16,
 *     fe80::/10, fd00:ec2::254, 100.100.100.200 ...) at all
 * @param factsCacheMaxBytes memory bound of the digest -> facts cache (estimated)
 * @param tagTtl how long a tag -> digest resolution is trusted before one HEAD re-checks it
 * @param negativeTtl how long not-found / unauthorized / forbidden answers are remembered
 * @param layerSizeCacheEntries entries of the layer digest -> exact uncompressed size cache (sizes
 *     measured by streaming a layer and verifying its digest)
 * @param maxConcurrentRequestsPerRegistry HTTP exchanges in flight per registry
 * @param maxConcurrentRequests HTTP exchanges in flight over all registries
 * @param fetchThreads threads fetching images (as many helper threads serve their platforms and
 *     layers)
 * @param maxQueuedFetches image fetches waiting for a thread; beyond it a fetch fails at once as
 *     temporarily unavailable
 * @param retryPolicy retries of temporary failures
 * @param userAgent the User-Agent header
 * @param mirrors mirrors asked for an upstream's images before it, in order
 * @param staleIfError how long past its TTL a tag's last known digest (and its facts) is still
 *     served when re-checking it fails for a passing reason (registry down, 5xx, 429); zero: never
 * @param proxies the proxies registry traffic goes through (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
 */
public record RegistryClientConfig(
    Duration connectTimeout,
    Duration requestTimeout,
    Set<String> insecureRegistries,
    List<Path> caBundles,
    boolean allowPrivateAddresses,
    boolean allowLinkLocalAddresses,
    long factsCacheMaxBytes,
    Duration tagTtl,
    Duration negativeTtl,
    long layerSizeCacheEntries,
    int maxConcurrentRequestsPerRegistry,
    int maxConcurrentRequests,
    int fetchThreads,
    int maxQueuedFetches,
    RetryPolicy retryPolicy,
    String userAgent,
    List<RegistryMirror> mirrors,
    Duration staleIfError,
    ProxySettings proxies,
    boolean resolveTagsWithGet) {

  /** Most fetch threads one may configure: the engine's thread bound is about twice this. */
  public static final int MAX_FETCH_THREADS = 128;

  public RegistryClientConfig {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    insecureRegistries =
        insecureRegistries.stream()
            .map(host -> host.trim().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    caBundles = List.copyOf(caBundles);
    Objects.requireNonNull(tagTtl, "tagTtl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(userAgent, "userAgent");
    mirrors = List.copyOf(mirrors);
    proxies = proxies == null ? ProxySettings.DIRECT : proxies;
    if (staleIfError == null || staleIfError.isNegative()) {
      throw new IllegalArgumentException("staleIfError must not be negative; got " + staleIfError);
    }
    if (maxConcurrentRequestsPerRegistry < 1) {
      throw new IllegalArgumentException("maxConcurrentRequestsPerRegistry must be at least 1");
    }
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
    }
    if (fetchThreads < 1 || fetchThreads > MAX_FETCH_THREADS) {
      throw new IllegalArgumentException(
          "fetchThreads must be between 1 and " + MAX_FETCH_THREADS + ", not " + fetchThreads);
    }
    if (maxQueuedFetches < 1) {
      throw new IllegalArgumentException("maxQueuedFetches must be at least 1");
    }
  }

  public static RegistryClientConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.insecureRegistries = insecureRegistries;
    b.caBundles = caBundles;
    b.allowPrivateAddresses = allowPrivateAddresses;
    b.allowLinkLocalAddresses = allowLinkLocalAddresses;
    b.factsCacheMaxBytes = factsCacheMaxBytes;
    b.tagTtl = tagTtl;
    b.negativeTtl = negativeTtl;
    b.layerSizeCacheEntries = layerSizeCacheEntries;
    b.maxConcurrentRequestsPerRegistry = maxConcurrentRequestsPerRegistry;
    b.maxConcurrentRequests = maxConcurrentRequests;
    b.fetchThreads = fetchThreads;
    b.maxQueuedFetches = maxQueuedFetches;
    b.retryPolicy = retryPolicy;
    b.userAgent = userAgent;
    b.mirrors = mirrors;
    b.staleIfError = staleIfError;
    b.proxies = proxies;
    b.resolveTagsWithGet = resolveTagsWithGet;
    return b;
  }

  /** The mirrors of {@code registry} (host[:port]), in the order they are asked. */
  public List<RegistryMirror> mirrorsOf(String registry) {
    return mirrors.stream().filter(mirror -> mirror.upstream().equals(registry)).toList();
  }

  /**
   * Whether {@code registry} (host[:port]) is configured for plain HTTP, by {@code
   * insecureRegistries} or as an {@code http://} mirror.
   */
  public boolean isInsecure(String registry) {
    String wanted = registry.toLowerCase(Locale.ROOT);
    if (insecureRegistries.contains(wanted)
        || mirrors.stream().anyMatch(m -> m.plainHttp() && m.host().equals(wanted))) {
      return true;
    }
    // An entry without a port covers every port of that host.
    int colon = wanted.lastIndexOf(':');
    boolean hasPort = colon > wanted.lastIndexOf(']');
    return hasPort && insecureRegistries.contains(wanted.substring(0, colon));
  }

  /** Mutable builder; {@link #build()} validates. Defaults are the documented ones. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Set<String> insecureRegistries = Set.of();
    private List<Path> caBundles = List.of();
    private boolean allowPrivateAddresses;
    private boolean allowLinkLocalAddresses;
    private long factsCacheMaxBytes = 64L * 1024 * 1024;
    private Duration tagTtl = Duration.ofMinutes(5);
    private Duration negativeTtl = Duration.ofSeconds(30);
    // Digest keys of at most 135 characters: under ~10 MiB at this count.
    private long layerSizeCacheEntries = 20_000;
    private int maxConcurrentRequestsPerRegistry = 8;
    // A guard over all registries; with the default pools (32 + 32 threads) it is never the
    // limit, it stays one if the pools grow.
    private int maxConcurrentRequests = 64;
    // Enough to measure 32 images at once, each with up to 8 steps in flight.
    private int fetchThreads = 32;
    // About a burst of a few hundred Pods naming new images; more fails fast, not slowly.
    private int maxQueuedFetches = 1_000;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private String userAgent = "tonnage/0.1";
    private List<RegistryMirror> mirrors = List.of();
    // Off for the engine used as a library; the CLI and operator flags default to 24h.
    private Duration staleIfError = Duration.ZERO;
    private ProxySettings proxies = ProxySettings.DIRECT;
    private boolean resolveTagsWithGet;

    private Builder() {}

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    public Builder insecureRegistries(Set<String> value) {
      insecureRegistries = value;
      return this;
    }

    public Builder caBundles(List<Path> value) {
      caBundles = value;
      return this;
    }

    public Builder allowPrivateAddresses(boolean value) {
      allowPrivateAddresses = value;
      return this;
    }

    public Builder allowLinkLocalAddresses(boolean value) {
      allowLinkLocalAddresses = value;
      return this;
    }

    public Builder factsCacheMaxBytes(long value) {
      factsCacheMaxBytes = value;
      return this;
    }

    public Builder tagTtl(Duration value) {
      tagTtl = value;
      return this;
    }

    public Builder negativeTtl(Duration value) {
      negativeTtl = value;
      return this;
    }

    public Builder layerSizeCacheEntries(long value) {
      layerSizeCacheEntries = value;
      return this;
    }

    public Builder maxConcurrentRequestsPerRegistry(int value) {
      maxConcurrentRequestsPerRegistry = value;
      return this;
    }

    public Builder maxConcurrentRequests(int value) {
      maxConcurrentRequests = value;
      return this;
    }

    public Builder fetchThreads(int value) {
      fetchThreads = value;
      return this;
    }

    public Builder maxQueuedFetches(int value) {
      maxQueuedFetches = value;
      return this;
    }

    public Builder retryPolicy(RetryPolicy value) {
      retryPolicy = value;
      return this;
    }

    public Builder userAgent(String value) {
      userAgent = value;
      return this;
    }

    public Builder mirrors(List<RegistryMirror> value) {
      mirrors = value;
      return this;
    }

    public Builder staleIfError(Duration value) {
      staleIfError = value;
      return this;
    }

    public Builder proxies(ProxySettings value) {
      proxies = value;
      return this;
    }

    /**
     * Resolves a tag not in the cache with one GET of its manifest, instead of a HEAD for its
     * digest and then a GET by digest. For one-shot runs (the CLI), whose caches start empty and
     * end with the process: the HEAD only pays off when it finds the digest's facts cached, which
     * is what the operator's long-lived caches do (a HEAD is no pull on Docker Hub). Off by
     * default.
     */
    public Builder resolveTagsWithGet(boolean value) {
      resolveTagsWithGet = value;
      return this;
    }

    public RegistryClientConfig build() {
      return new RegistryClientConfig(
          connectTimeout,
          requestTimeout,
          insecureRegistries,
          caBundles,
          allowPrivateAddresses,
          allowLinkLocalAddresses,
          factsCacheMaxBytes,
          tagTtl,
          negativeTtl,
          layerSizeCacheEntries,
          maxConcurrentRequestsPerRegistry,
          maxConcurrentRequests,
          fetchThreads,
          maxQueuedFetches,
          retryPolicy,
          userAgent,
          mirrors,
          staleIfError,
          proxies,
          resolveTagsWithGet);
    }
  }
}
