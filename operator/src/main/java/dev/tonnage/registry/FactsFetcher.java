package dev.tonnage.registry;

import dev.tonnage.registry.FactsCaches.CachedImage;
import dev.tonnage.registry.RegistryEventListener.Cache;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch chain for one image: tag -> digest (HEAD), manifest or index by digest, each platform's
 * manifest and config, and on request the uncompressed layer sizes, all through the caches.
 * Blocking; runs on one thread of the client's fetch pool, which borrows helpers for an image's
 * platforms and layers ({@link FanOut}). What one image may cost is capped: its platform images,
 * its layers per manifest, the steps in flight for it, and how long its fetch goes on after the
 * deadline of the caller that started it.
 */
final class FactsFetcher {
  private static final Logger log = LoggerFactory.getLogger(FactsFetcher.class);

  /**
   * Platform images read from one index (after attestations and duplicate digests): real multi-arch
   * images have under 20; each costs two requests and a config in memory.
   */
  static final int MAX_INDEX_IMAGES = 64;

  /** Steps (platforms, layer reads) of one image in flight at once, its fetch thread included. */
  static final int IMAGE_PARALLELISM = 8;

  /**
   * Declared bytes of the platform manifests and configs all fetches hold at once (read and
   * parsed): typical ones are a few KiB, so only documents near their caps (4 and 8 MiB) ever wait.
   */
  static final long DOCUMENT_BUDGET_BYTES = 64L * 1024 * 1024;

  private final RegistryTransport transport;
  private final FactsCaches caches;

  /** Longest wait for the document budget, whatever the deadline (which may be far off). */
  private static final Duration MAX_BUDGET_WAIT = Duration.ofMinutes(5);

  private final FanOut fanOut;
  private final Duration warmUp;
  private final boolean resolveTagsWithGet;
  private final Semaphore documentKib = new Semaphore((int) (DOCUMENT_BUDGET_BYTES / 1024));

  /**
   * @param helpers threads an image's steps may borrow; may reject (see {@link FanOut})
   * @param warmUp how long a fetch may start new requests after its caller's deadline, to warm the
   *     cache for the next ask
   * @param resolveTagsWithGet see {@link RegistryClientConfig.Builder#resolveTagsWithGet}
   */
  FactsFetcher(
      RegistryTransport transport,
      FactsCaches caches,
      Executor helpers,
      Duration warmUp,
      boolean resolveTagsWithGet) {
    this.transport = transport;
    this.caches = caches;
    this.fanOut = new FanOut(helpers, IMAGE_PARALLELISM);
    this.warmUp = warmUp;
    this.resolveTagsWithGet = resolveTagsWithGet;
  }

  /** Facts answerable from the caches alone, without any request; null otherwise. */
  ImageFacts cachedOnly(ImageReference ref, PullTarget target, boolean uncompressed) {
    String digest =
        ref.digest() != null
            ? ref.digest()
            : caches.tags.getIfPresent(FactsCaches.tagKey(ref, target));
    if (digest == null) {
      return null;
    }
    CachedImage cached = caches.facts.getIfPresent(FactsCaches.factsKey(ref, digest));
    if (cached == null || (uncompressed && !cached.uncompressedRead())) {
      return null;
    }
    if (ref.digest() == null) {
      caches.hit(Cache.TAGS);
    }
    caches.hit(Cache.FACTS);
    return as(ref, cached.facts());
  }

  /**
   * {@link #load} from the first of {@code targets} that answers: a mirror that fails in any way
   * (down, not found, unauthorized) hands over to the next, the upstream being the last.
   */
  ImageFacts loadVia(
      ImageReference ref, List<PullTarget> targets, boolean uncompressed, Instant until)
      throws RegistryException {
    for (int i = 0; i < targets.size() - 1; i++) {
      try {
        return load(ref, targets.get(i), uncompressed, until);
      } catch (RegistryException e) {
        log.info(
            "mirror {} did not answer for {}, asking the next: {}",
            targets.get(i).registry(),
            ref,
            e.getMessage());
      }
    }
    return load(ref, targets.get(targets.size() - 1), uncompressed, until);
  }

  ImageFacts load(ImageReference ref, PullTarget target, boolean uncompressed, Instant until)
      throws RegistryException {
    String digest = ref.digest();
    ManifestGet.Result fetchedByTag = null;
    if (digest == null) {
      String tagKey = FactsCaches.tagKey(ref, target);
      digest = caches.lookup(caches.tags, tagKey, Cache.TAGS);
      if (digest == null) {
        try {
          ManifestHead.Result head =
              resolveTagsWithGet ? null : transport.send(target, new ManifestHead(ref), until);
          if (head != null && head.digest() != null) {
            digest = head.digest();
          } else {
            // A one-shot run has no cached facts a HEAD could find; some registries leave
            // Docker-Content-Digest out of HEAD answers or refuse HEAD on manifests: GET by tag
            // and hash.
            fetchedByTag = transport.send(target, new ManifestGet(ref), until);
            digest = fetchedByTag.digest();
          }
        } catch (RateLimitedException | UnavailableException e) {
          ImageFacts stale = lastKnown(ref, tagKey, e);
          if (stale == null) {
            throw e;
          }
          return stale;
        }
        caches.resolved(tagKey, digest);
      }
    }
    String factsKey = FactsCaches.factsKey(ref, digest);
    CachedImage cached = caches.lookup(caches.facts, factsKey, Cache.FACTS);
    if (cached == null) {
      ManifestGet.Result top =
          fetchedByTag != null
              ? fetchedByTag
              : transport.send(target, new ManifestGet(ref.withDigest(digest)), until);
      cached = build(ref.withDigest(digest), top, target, until);
      caches.facts.put(factsKey, cached);
    }
    if (uncompressed && !cached.uncompressedRead()) {
      cached = withUncompressed(ref, cached, target, until);
      caches.facts.put(factsKey, cached);
    }
    return as(ref, cached.facts());
  }

  /**
   * The facts of the tag's last known digest when re-checking the tag failed for a passing reason
   * and stale-if-error still covers it; null otherwise.
   */
  private ImageFacts lastKnown(ImageReference ref, String tagKey, RegistryException failure) {
    if (!failure.temporary()) {
      return null;
    }
    FactsCaches.KnownTag known = caches.lastKnownTags.getIfPresent(tagKey);
    String digest = known == null ? null : known.digest();
    CachedImage cached =
        digest == null ? null : caches.facts.getIfPresent(FactsCaches.factsKey(ref, digest));
    if (cached == null) {
      return null;
    }
    caches.staleServed(ref.registry());
    log.warn(
        "serving the last known facts of {} ({}): re-checking the tag failed: {}",
        ref,
        digest,
        failure.getMessage());
    StaleFacts stale =
        StaleFacts.after(failure, Duration.between(known.resolvedAt(), Instant.now()));
    return new ImageFacts(
        ref,
        cached.facts().digest(),
        cached.facts().mediaType(),
        cached.facts().platforms(),
        stale);
  }

  private static ImageFacts as(ImageReference ref, ImageFacts facts) {
    return new ImageFacts(ref, facts.digest(), facts.mediaType(), facts.platforms());
  }

  /** One platform's facts and the layers behind them. */
  private record PlatformRead(PlatformFacts facts, List<Descriptor> layers) {}

  private CachedImage build(
      ImageReference ref, ManifestGet.Result top, PullTarget target, Instant until)
      throws RegistryException {
    List<PlatformRead> reads;
    if (top.manifest() instanceof ImageIndex index) {
      List<Descriptor> entries = distinctImages(ref, index);
      reads =
          fanOut.map(
              entries, entry -> platform(ref.withDigest(entry.digest()), entry, target, until));
    } else {
      ImageManifest manifest = (ImageManifest) top.manifest();
      reads = List.of(platformOf(ref, null, top.digest(), manifest, target, until));
    }
    Map<String, Descriptor> layers = new LinkedHashMap<>();
    List<PlatformFacts> platforms = new ArrayList<>();
    for (PlatformRead read : reads) {
      platforms.add(read.facts());
      read.layers().forEach(layer -> layers.putIfAbsent(layer.digest(), layer));
    }
    ImageFacts facts = new ImageFacts(ref, top.digest(), top.manifest().mediaType(), platforms);
    return new CachedImage(facts, Map.copyOf(layers), false);
  }

  /** The index's platform images, each digest once, at most {@link #MAX_INDEX_IMAGES}. */
  static List<Descriptor> distinctImages(ImageReference ref, ImageIndex index)
      throws RegistryException {
    Map<String, Descriptor> byDigest = new LinkedHashMap<>();
    for (Descriptor entry : index.imageEntries()) {
      byDigest.putIfAbsent(entry.digest(), entry);
    }
    if (byDigest.isEmpty()) {
      throw new NotAnImageException(
          ref.registry(),
          ref.repository(),
          ref
              + " is an index with no container image for any platform (only attestations,"
              + " artifacts or nested indexes); point Tonnage at an image");
    }
    if (byDigest.size() > MAX_INDEX_IMAGES) {
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          "the index "
              + ref
              + " lists "
              + byDigest.size()
              + " distinct platform images in its field \"manifests\"; Tonnage reads at most "
              + MAX_INDEX_IMAGES
              + " per image (attestations and repeated digests not counted): point Tonnage at a"
              + " platform image or split the index");
    }
    return List.copyOf(byDigest.values());
  }

  private PlatformRead platform(
      ImageReference child, Descriptor entry, PullTarget target, Instant until)
      throws RegistryException {
    inTime(child, until);
    if (entry.size() > CappedBody.MANIFEST_CAP) {
      throw new InvalidManifestException(
          child.registry(),
          child.repository(),
          "index entry "
              + entry.digest()
              + " of "
              + child.name()
              + " declares "
              + entry.size()
              + " bytes in its field \"size\"; Tonnage reads manifests of at most "
              + CappedBody.MANIFEST_CAP
              + " bytes");
    }
    try (Reservation held = reserve(entry.size(), child, until)) {
      return platform(
          child,
          entry,
          target,
          until,
          transport.send(target, new ManifestGet(child, entry.size()), until));
    }
  }

  private PlatformRead platform(
      ImageReference child,
      Descriptor entry,
      PullTarget target,
      Instant until,
      ManifestGet.Result result)
      throws RegistryException {
    if (!(result.manifest() instanceof ImageManifest manifest)) {
      throw new InvalidManifestException(
          child.registry(),
          child.repository(),
          "index entry "
              + entry.digest()
              + " of "
              + child.name()
              + " is itself an index; nested indexes are not supported");
    }
    Platform platform = entry.platform() == null ? null : entry.platform().toPlatform();
    return platformOf(child, platform, entry.digest(), manifest, target, until);
  }

  private PlatformRead platformOf(
      ImageReference ref,
      Platform platform,
      String digest,
      ImageManifest manifest,
      PullTarget target,
      Instant until)
      throws RegistryException {
    FactsAssembler.requireImage(manifest, ref);
    inTime(ref, until);
    Descriptor configDescriptor = manifest.config();
    if (configDescriptor.size() > CappedBody.CONFIG_CAP) {
      throw new InvalidManifestException(
          ref.registry(),
          ref.repository(),
          "the config of "
              + ref.name()
              + " ("
              + digest
              + ") declares "
              + configDescriptor.size()
              + " bytes in its field \"size\"; Tonnage reads image configs of at most "
              + CappedBody.CONFIG_CAP
              + " bytes");
    }
    try (Reservation held = reserve(configDescriptor.size(), ref, until)) {
      byte[] configBytes =
          transport.send(
              target,
              new BlobGet(ref, configDescriptor.digest(), "image config", configDescriptor.size()),
              until);
      ImageConfig config = ManifestParser.parseConfig(configBytes, ref);
      return new PlatformRead(
          FactsAssembler.assemble(platform, digest, manifest, config), manifest.layers());
    }
  }

  /** Declared document bytes held from the {@link #DOCUMENT_BUDGET_BYTES}; closing gives back. */
  private final class Reservation implements AutoCloseable {
    private final int kib;

    Reservation(int kib) {
      this.kib = kib;
    }

    @Override
    public void close() {
      documentKib.release(kib);
    }
  }

  /**
   * Holds {@code bytes} of the document budget, waiting at most until the fetch would stop anyway;
   * a fetch that cannot get it fails as temporarily unavailable.
   */
  private Reservation reserve(long bytes, ImageReference ref, Instant until)
      throws RegistryException {
    int kib = (int) Math.max(1, (bytes + 1023) / 1024);
    Duration left = Duration.between(Instant.now(), stopAt(until));
    long wait =
        left.isNegative()
            ? 0
            : left.compareTo(MAX_BUDGET_WAIT) > 0 ? MAX_BUDGET_WAIT.toMillis() : left.toMillis();
    try {
      if (!documentKib.tryAcquire(kib, wait, TimeUnit.MILLISECONDS)) {
        throw new UnavailableException(
            ref.registry(),
            ref.repository(),
            "registry engine busy: "
                + DOCUMENT_BUDGET_BYTES / (1024 * 1024)
                + " MiB of manifests and configs are being read, so "
                + ref
                + " was not measured; retry shortly",
            true,
            null,
            RegistryTransport.BUSY);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryTimeoutException(
          ref.registry(), ref.repository(), "interrupted waiting to measure " + ref);
    }
    return new Reservation(kib);
  }

  /** When a fetch whose caller's deadline is {@code until} starts no more requests. */
  private Instant stopAt(Instant until) {
    return until.isAfter(Instant.MAX.minus(warmUp)) ? Instant.MAX : until.plus(warmUp);
  }

  /**
   * Refuses to start another request once the caller's deadline and the warm-up after it have
   * passed: a slow or endless registry cannot hold a fetch thread for longer.
   */
  private void inTime(ImageReference ref, Instant until) throws RegistryTimeoutException {
    if (Instant.now().isAfter(stopAt(until))) {
      throw new RegistryTimeoutException(
          ref.registry(),
          ref.repository(),
          "stopped fetching "
              + ref
              + " from "
              + ref.registry()
              + ": the deadline passed "
              + warmUp.toSeconds()
              + " s ago; asking again continues from what is cached");
    }
  }

  private CachedImage withUncompressed(
      ImageReference ref, CachedImage cached, PullTarget target, Instant until)
      throws RegistryException {
    List<Descriptor> layers = List.copyOf(cached.layers().values());
    List<LayerSize> read = fanOut.map(layers, layer -> uncompressedSize(ref, layer, target, until));
    Map<String, UncompressedSize> sizes = new HashMap<>();
    boolean complete = true;
    for (int i = 0; i < layers.size(); i++) {
      LayerSize size = read.get(i);
      String digest = layers.get(i).digest();
      size.size().ifPresent(s -> sizes.put(digest, s));
      complete &= size.settled();
    }
    List<PlatformFacts> platforms = new ArrayList<>();
    for (PlatformFacts platform : cached.facts().platforms()) {
      platforms.add(FactsAssembler.withUncompressed(platform, sizes));
    }
    ImageFacts facts = cached.facts();
    return new CachedImage(
        new ImageFacts(facts.reference(), facts.digest(), facts.mediaType(), platforms),
        cached.layers(),
        complete);
  }

  /**
   * @param size the size, when it could be had
   * @param settled false when a passing failure prevented reading it (try again later)
   */
  private record LayerSize(Optional<UncompressedSize> size, boolean settled) {}

  private LayerSize uncompressedSize(
      ImageReference ref, Descriptor layer, PullTarget target, Instant until) {
    UncompressedSize verified = caches.verifiedLayerSizes.getIfPresent(layer.digest());
    if (verified != null) {
      caches.hit(Cache.LAYER_SIZES);
      return new LayerSize(Optional.of(verified), true); // streamed, digest checked: true anywhere
    }
    Optional<UncompressedSize> declared = UncompressedSizes.fromAnnotations(layer.annotations());
    if (declared.isPresent()) {
      return new LayerSize(declared, true);
    }
    MediaTypes.Compression compression = MediaTypes.compressionOf(layer.mediaType());
    if (compression == MediaTypes.Compression.NONE) {
      return new LayerSize(
          Optional.of(UncompressedSize.exact(layer.size(), "uncompressed-layer")), true);
    }
    // A trailer or header is the serving registry's word: trusted for this repository only.
    FactsCaches.LayerKey key =
        new FactsCaches.LayerKey(ref.registry(), ref.repository(), layer.digest());
    Optional<UncompressedSize> known = caches.lookup(caches.layerReads, key, Cache.LAYER_SIZES);
    if (known != null) {
      return new LayerSize(known, true);
    }
    if (compression == MediaTypes.Compression.UNKNOWN
        || MediaTypes.isForeignLayer(layer.mediaType())
        || UncompressedSizes.isSeekableFormat(layer.annotations())) {
      return new LayerSize(Optional.empty(), true);
    }
    try {
      inTime(ref, until);
      Optional<UncompressedSize> size;
      if (compression == MediaTypes.Compression.GZIP) {
        size =
            transport
                .send(target, LayerEdgeRead.tail(ref, layer.digest(), layer.size(), 4), until)
                .flatMap(trailer -> UncompressedSizes.fromGzipTrailer(trailer, layer.size()));
      } else {
        size =
            transport
                .send(
                    target,
                    LayerEdgeRead.head(
                        ref, layer.digest(), layer.size(), UncompressedSizes.ZSTD_HEADER_BYTES),
                    until)
                .flatMap(UncompressedSizes::fromZstdHeader);
      }
      caches.layerReads.put(key, size);
      return new LayerSize(size, true);
    } catch (RegistryException e) {
      log.debug("uncompressed size of layer {} unknown: {}", layer.digest(), e.getMessage());
      return new LayerSize(Optional.empty(), !e.temporary());
    }
  }
}
