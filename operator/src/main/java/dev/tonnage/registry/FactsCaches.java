package dev.tonnage.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;
import java.util.Optional;

/**
 * The client's caches: facts by manifest digest (immutable, weight-bounded), tag -> digest (TTL,
 * then one HEAD re-checks), layer digest -> uncompressed size, and recent definite failures. Keys
 * that depend on who asks carry the credential's fingerprint, so one tenant's access never answers
 * for another's.
 */
final class FactsCaches {

  /**
   * Cached facts plus the layer descriptors behind them (their annotations decide how an
   * uncompressed size can be read).
   *
   * @param uncompressedRead whether every layer's uncompressed size was read or found unknowable (a
   *     layer whose read failed for a passing reason is tried again next time)
   */
  record CachedImage(ImageFacts facts, Map<String, Descriptor> layers, boolean uncompressedRead) {}

  private final RegistryEventListener listener;
  final Cache<String, CachedImage> facts;
  final Cache<String, String> tags;
  final Cache<String, Optional<UncompressedSize>> layerSizes;
  final Cache<String, RegistryException> failures;

  FactsCaches(RegistryClientConfig config, RegistryEventListener listener) {
    this.listener = listener;
    this.facts =
        Caffeine.newBuilder()
            .maximumWeight(config.factsCacheMaxBytes())
            .weigher(
                (String key, CachedImage value) ->
                    FactsAssembler.weigh(value.facts()) + 128 * value.layers().size())
            .build();
    this.tags =
        Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.tagTtl()).build();
    this.layerSizes = Caffeine.newBuilder().maximumSize(config.layerSizeCacheEntries()).build();
    this.failures =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.negativeTtl()).build();
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
   * Records a layer size settled by streaming; cached facts holding that layer will read their
   * uncompressed sizes again (from this cache, without requests) when next asked.
   */
  void settled(String layerDigest, UncompressedSize exact) {
    layerSizes.put(layerDigest, Optional.of(exact));
    facts
        .asMap()
        .replaceAll(
            (key, image) ->
                image.layers().containsKey(layerDigest)
                    ? new CachedImage(image.facts(), image.layers(), false)
                    : image);
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
