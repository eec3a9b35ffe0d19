package dev.tonnage.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The client's caches: facts by manifest digest (immutable), tag -> digest (TTL, then one HEAD
 * re-checks), uncompressed layer sizes, and recent definite failures. Every cache is bounded by the
 * bytes its entries hold (estimated by {@link RetainedBytes}: registries and Pods choose the
 * lengths of keys and values), which also bounds its entry count. Keys that depend on who asks
 * carry the credential's fingerprint, so one tenant's access never answers for another's; layer
 * sizes read from a registry's trailer or header are keyed by registry and repository, so one
 * registry's answer never changes the facts of an image in another (only a size measured by
 * streaming the layer and verifying its digest is shared across repositories).
 */
final class FactsCaches {

  /** Tag resolutions: keys hold references of up to ~500 characters; ~40,000 typical entries. */
  static final long TAGS_MAX_BYTES = 16L * 1024 * 1024;

  /** Last known tag resolutions, kept past the TTL for stale-if-error: as many as {@link #tags}. */
  static final long LAST_KNOWN_TAGS_MAX_BYTES = 16L * 1024 * 1024;

  /** Definite failures: a message (up to ~1 KiB) and an exception with its stack each. */
  static final long FAILURES_MAX_BYTES = 8L * 1024 * 1024;

  /** Layer sizes read per repository: ~100,000 entries of typical names. */
  static final long LAYER_READS_MAX_BYTES = 32L * 1024 * 1024;

  /** What a cached exception holds besides its message: the object and its stack backtrace. */
  private static final long EXCEPTION_OVERHEAD = 2048;

  /**
   * Cached facts plus the layer descriptors behind them (their annotations decide how an
   * uncompressed size can be read).
   *
   * @param uncompressedRead whether every layer's uncompressed size was read or found unknowable (a
   *     layer whose read failed for a passing reason is tried again next time)
   */
  record CachedImage(ImageFacts facts, Map<String, Descriptor> layers, boolean uncompressedRead) {}

  /** A tag's last resolution: its digest and when the registry gave it. */
  record KnownTag(String digest, Instant resolvedAt) {}

  /** A layer as served by one repository of one registry. */
  record LayerKey(String registry, String repository, String digest) {}

  private final RegistryEventListener listener;
  final Cache<String, CachedImage> facts;
  final Cache<String, String> tags;

  /** Tag resolutions for {@code tagTtl + staleIfError}: served only when re-checking fails. */
  final Cache<String, KnownTag> lastKnownTags;

  /**
   * Sizes from a trailer, header or failed read, trusted only for the repository that served it.
   */
  final Cache<LayerKey, Optional<UncompressedSize>> layerReads;

  /**
   * Exact sizes measured by streaming a layer whose digest was verified: true for any repository.
   */
  final Cache<String, UncompressedSize> verifiedLayerSizes;

  final Cache<String, RegistryException> failures;

  /** The caches by the {@code cache} label their metrics carry (a fixed, small set). */
  Map<String, Cache<?, ?>> byName() {
    Map<String, Cache<?, ?>> byName = new LinkedHashMap<>();
    byName.put("image-facts", facts);
    byName.put("tag-digests", tags);
    byName.put("layer-reads", layerReads);
    byName.put("verified-layer-sizes", verifiedLayerSizes);
    byName.put("registry-failures", failures);
    return byName;
  }

  FactsCaches(RegistryClientConfig config, RegistryEventListener listener) {
    this.listener = listener;
    this.facts =
        Caffeine.newBuilder()
            .recordStats()
            .executor(Runnable::run)
            .maximumWeight(config.factsCacheMaxBytes())
            .weigher((String key, CachedImage value) -> RetainedBytes.weight(weigh(key, value)))
            .build();
    this.tags =
        Caffeine.newBuilder()
            .recordStats()
            .executor(Runnable::run)
            .maximumWeight(TAGS_MAX_BYTES)
            .weigher(FactsCaches::weighTag)
            .expireAfterWrite(config.tagTtl())
            .build();
    this.lastKnownTags =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(config.staleIfError().isZero() ? 0 : LAST_KNOWN_TAGS_MAX_BYTES)
            .weigher(
                (String key, KnownTag known) ->
                    weighTag(key, known.digest()) + RetainedBytes.weight(RetainedBytes.OBJECT))
            .expireAfterWrite(config.tagTtl().plus(config.staleIfError()))
            .build();
    this.layerReads =
        Caffeine.newBuilder()
            .recordStats()
            .executor(Runnable::run)
            .maximumWeight(LAYER_READS_MAX_BYTES)
            .weigher(
                (LayerKey key, Optional<UncompressedSize> size) ->
                    RetainedBytes.weight(
                        RetainedBytes.ENTRY
                            + RetainedBytes.OBJECT
                            + RetainedBytes.of(key.registry())
                            + RetainedBytes.of(key.repository())
                            + RetainedBytes.of(key.digest())
                            + RetainedBytes.of(size.orElse(null))))
            .build();
    // Keys are validated digests (at most 135 characters), so the entry count bounds the bytes.
    this.verifiedLayerSizes =
        Caffeine.newBuilder()
            .recordStats()
            .executor(Runnable::run)
            .maximumSize(config.layerSizeCacheEntries())
            .build();
    this.failures =
        Caffeine.newBuilder()
            .recordStats()
            .executor(Runnable::run)
            .maximumWeight(FAILURES_MAX_BYTES)
            .weigher(
                (String key, RegistryException e) ->
                    RetainedBytes.weight(
                        RetainedBytes.ENTRY
                            + RetainedBytes.of(key)
                            + RetainedBytes.of(e.getMessage())
                            + EXCEPTION_OVERHEAD))
            .expireAfterWrite(config.negativeTtl())
            .build();
  }

  private static int weighTag(String key, String digest) {
    return RetainedBytes.weight(
        RetainedBytes.ENTRY + RetainedBytes.of(key) + RetainedBytes.of(digest));
  }

  /** A tag's resolution, fresh for the TTL and last known for stale-if-error after it. */
  void resolved(String tagKey, String digest) {
    tags.put(tagKey, digest);
    lastKnownTags.put(tagKey, new KnownTag(digest, Instant.now()));
  }

  /** The estimated bytes a facts entry holds: key, facts, and the layer descriptors. */
  static long weigh(String key, CachedImage image) {
    long bytes = RetainedBytes.ENTRY + RetainedBytes.of(key) + RetainedBytes.of(image.facts());
    for (Descriptor layer : image.layers().values()) {
      bytes += RetainedBytes.ENTRY + RetainedBytes.of(layer);
    }
    return bytes;
  }

  <K, V> V lookup(Cache<K, V> cache, K key, RegistryEventListener.Cache which) {
    V value = cache.getIfPresent(key);
    if (value != null) {
      listener.cacheHit(which);
    } else {
      listener.cacheMiss(which);
    }
    return value;
  }

  /**
   * Records a layer size settled by streaming the layer and verifying its digest; cached facts
   * holding that layer, in any repository, read their uncompressed sizes again (from this cache,
   * without requests) when next asked.
   */
  void settled(String layerDigest, UncompressedSize exact) {
    verifiedLayerSizes.put(layerDigest, exact);
    facts
        .asMap()
        .replaceAll(
            (key, image) ->
                image.layers().containsKey(layerDigest)
                    ? new CachedImage(image.facts(), image.layers(), false)
                    : image);
  }

  void staleServed(String registry) {
    listener.staleFactsServed(registry);
  }

  void hit(RegistryEventListener.Cache which) {
    listener.cacheHit(which);
  }

  static String tagKey(ImageReference ref, PullTarget target) {
    return ref.name() + ":" + ref.tag() + "|" + target.principal();
  }

  static String factsKey(ImageReference ref, String digest) {
    return ref.name() + "@" + digest;
  }

  static String failureKey(ImageReference ref, PullTarget target) {
    return ref + "|" + target.principal();
  }
}
