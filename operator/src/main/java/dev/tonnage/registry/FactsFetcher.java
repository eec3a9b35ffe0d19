package dev.tonnage.registry;

import dev.tonnage.registry.FactsCaches.CachedImage;
import dev.tonnage.registry.RegistryEventListener.Cache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch chain for one image: tag -> digest (HEAD), manifest or index by digest, each platform's
 * manifest and config, and on request the uncompressed layer sizes, all through the caches.
 * Blocking; runs on the client's executor.
 */
final class FactsFetcher {
  private static final Logger log = LoggerFactory.getLogger(FactsFetcher.class);

  private final RegistryTransport transport;
  private final FactsCaches caches;
  private final Executor executor;

  FactsFetcher(RegistryTransport transport, FactsCaches caches, Executor executor) {
    this.transport = transport;
    this.caches = caches;
    this.executor = executor;
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

  ImageFacts load(ImageReference ref, PullTarget target, boolean uncompressed, Instant until)
      throws RegistryException {
    String digest = ref.digest();
    ManifestGet.Result fetchedByTag = null;
    if (digest == null) {
      String tagKey = FactsCaches.tagKey(ref, target);
      digest = caches.lookup(caches.tags, tagKey, Cache.TAGS);
      if (digest == null) {
        ManifestHead.Result head = transport.send(target, new ManifestHead(ref), until);
        if (head.digest() != null) {
          digest = head.digest();
        } else {
          // Some registries leave Docker-Content-Digest out of HEAD answers or refuse HEAD on
          // manifests: GET by tag and hash.
          fetchedByTag = transport.send(target, new ManifestGet(ref), until);
          digest = fetchedByTag.digest();
        }
        caches.tags.put(tagKey, digest);
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

  private static ImageFacts as(ImageReference ref, ImageFacts facts) {
    return new ImageFacts(ref, facts.digest(), facts.mediaType(), facts.platforms());
  }

  private CachedImage build(
      ImageReference ref, ManifestGet.Result top, PullTarget target, Instant until)
      throws RegistryException {
    Map<String, Descriptor> layers = new LinkedHashMap<>();
    List<PlatformFacts> platforms = new ArrayList<>();
    if (top.manifest() instanceof ImageIndex index) {
      List<Descriptor> entries = index.imageEntries();
      if (entries.isEmpty()) {
        throw new NotAnImageException(
            ref.registry(),
            ref.repository(),
            ref
                + " is an index with no container image for any platform (only attestations,"
                + " artifacts or nested indexes); point Tonnage at an image");
      }
      List<CompletableFuture<PlatformFacts>> children = new ArrayList<>();
      for (Descriptor entry : entries) {
        children.add(
            supply(() -> platform(ref.withDigest(entry.digest()), entry, target, until, layers)));
      }
      for (CompletableFuture<PlatformFacts> child : children) {
        platforms.add(join(child));
      }
    } else {
      ImageManifest manifest = (ImageManifest) top.manifest();
      platforms.add(platformOf(ref, null, top.digest(), manifest, target, until, layers));
    }
    ImageFacts facts = new ImageFacts(ref, top.digest(), top.manifest().mediaType(), platforms);
    return new CachedImage(facts, Map.copyOf(layers), false);
  }

  private PlatformFacts platform(
      ImageReference child,
      Descriptor entry,
      PullTarget target,
      Instant until,
      Map<String, Descriptor> layers)
      throws RegistryException {
    ManifestGet.Result result = transport.send(target, new ManifestGet(child), until);
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
    return platformOf(child, platform, entry.digest(), manifest, target, until, layers);
  }

  private PlatformFacts platformOf(
      ImageReference ref,
      Platform platform,
      String digest,
      ImageManifest manifest,
      PullTarget target,
      Instant until,
      Map<String, Descriptor> layers)
      throws RegistryException {
    FactsAssembler.requireImage(manifest, ref);
    Descriptor configDescriptor = manifest.config();
    byte[] configBytes =
        transport.send(target, new BlobGet(ref, configDescriptor.digest(), "image config"), until);
    ImageConfig config = ManifestParser.parseConfig(configBytes, ref);
    synchronized (layers) {
      for (Descriptor layer : manifest.layers()) {
        layers.putIfAbsent(layer.digest(), layer);
      }
    }
    return FactsAssembler.assemble(platform, digest, manifest, config);
  }

  private CachedImage withUncompressed(
      ImageReference ref, CachedImage cached, PullTarget target, Instant until) {
    Map<String, CompletableFuture<LayerSize>> reads = new LinkedHashMap<>();
    for (Descriptor layer : cached.layers().values()) {
      reads.put(layer.digest(), supply(() -> uncompressedSize(ref, layer, target, until)));
    }
    Map<String, UncompressedSize> sizes = new HashMap<>();
    boolean complete = true;
    for (Map.Entry<String, CompletableFuture<LayerSize>> read : reads.entrySet()) {
      LayerSize size = read.getValue().join();
      size.size().ifPresent(s -> sizes.put(read.getKey(), s));
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
    Optional<UncompressedSize> declared = UncompressedSizes.fromAnnotations(layer.annotations());
    if (declared.isPresent()) {
      return new LayerSize(declared, true);
    }
    MediaTypes.Compression compression = MediaTypes.compressionOf(layer.mediaType());
    if (compression == MediaTypes.Compression.NONE) {
      return new LayerSize(
          Optional.of(UncompressedSize.exact(layer.size(), "uncompressed-layer")), true);
    }
    Optional<UncompressedSize> known =
        caches.lookup(caches.layerSizes, layer.digest(), Cache.LAYER_SIZES);
    if (known != null) {
      return new LayerSize(known, true); // read before, or settled by streaming the layer
    }
    if (compression == MediaTypes.Compression.UNKNOWN
        || MediaTypes.isForeignLayer(layer.mediaType())
        || UncompressedSizes.isSeekableFormat(layer.annotations())) {
      return new LayerSize(Optional.empty(), true);
    }
    try {
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
      caches.layerSizes.put(layer.digest(), size);
      return new LayerSize(size, true);
    } catch (RegistryException e) {
      log.debug("uncompressed size of layer {} unknown: {}", layer.digest(), e.getMessage());
      return new LayerSize(Optional.empty(), !e.temporary());
    }
  }

  /** Work that may throw a RegistryException, on the executor. */
  private interface Step<T> {
    T run() throws RegistryException;
  }

  private <T> CompletableFuture<T> supply(Step<T> step) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return step.run();
          } catch (RegistryException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  private static <T> T join(CompletableFuture<T> future) throws RegistryException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RegistryException registryException) {
        throw registryException;
      }
      throw e;
    }
  }
}
