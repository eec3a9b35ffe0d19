package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What one image and many images at once may cost the engine: threads, queue, caps. Against a
 * MockWebServer registry serving generated indexes.
 */
class RegistryEngineBoundsIT extends RegistryTestBase {

  private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  private static final byte[] CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);

  /** Samples the JVM's thread count and the engine's threads while a test runs. */
  private static final class ThreadWatch implements AutoCloseable {
    final int baseline = ManagementFactory.getThreadMXBean().getThreadCount();
    final AtomicInteger peakJvm = new AtomicInteger(baseline);

    /** Engine-named threads already running, e.g. okhttp's idle task runner of earlier clients. */
    final int engineBaseline = engineThreads();

    final AtomicInteger peakEngine = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;

    ThreadWatch() {
      sampler =
          new Thread(
              () -> {
                while (running.get()) {
                  peakJvm.accumulateAndGet(
                      ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                  peakEngine.accumulateAndGet(engineThreads(), Math::max);
                  try {
                    Thread.sleep(2);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "thread-watch");
      sampler.setDaemon(true);
      sampler.start();
    }

    /**
     * The engine's threads: its pools and okhttp's own (the MockWebServer runs its own task runner,
     * whose threads are named after it).
     */
    static int engineThreads() {
      int n = 0;
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        String name = thread.getName();
        if (name.startsWith("tonnage-registry")
            || name.startsWith("OkHttp")
            || name.startsWith("Okio")) {
          n++;
        }
      }
      return n;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      sampler.join();
    }
  }

  private String configDigest() {
    String digest = Digests.of(CONFIG, null);
    registry.blobs.put(digest, CONFIG);
    return digest;
  }

  /** A platform manifest with no layers, made distinct by {@code name}; returns its digest. */
  private String manifest(String configDigest, String name) {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\""
            + CONFIG_TYPE
            + "\",\"digest\":\""
            + configDigest
            + "\",\"size\":"
            + CONFIG.length
            + "},\"layers\":[],\"annotations\":{\"name\":\""
            + name
            + "\"}}";
    return registry.addManifest(
        json.getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
  }

  /** An index of these manifest digests (no platform objects); returns its digest. */
  private String index(List<String> digests) {
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[");
    for (int i = 0; i < digests.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"")
          .append(digests.get(i))
          .append("\",\"size\":")
          .append(
              registry.blobs.containsKey(digests.get(i))
                  ? registry.blobs.get(digests.get(i)).length
                  : 300)
          .append("}");
    }
    json.append("]}");
    return registry.addManifest(
        json.toString().getBytes(StandardCharsets.UTF_8),
        "application/vnd.oci.image.index.v1+json");
  }

  @Test
  void anIndexOfTwoHundredImagesFailsWithTheCapAndNoThreadStorm() throws Exception {
    assertIndexRefused(
        200, "lists 200 distinct platform images", "at most " + FactsFetcher.MAX_INDEX_IMAGES);
  }

  @Test
  void anIndexOfTwentyThousandEntriesIsRefusedByTheParserBeforeAnyEntryIsRead() throws Exception {
    assertIndexRefused(20_000, "has 20000 entries", "at most " + ManifestParser.MAX_INDEX_ENTRIES);
  }

  private void assertIndexRefused(int size, String what, String cap) throws Exception {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      entries.add("sha256:" + String.format("%064x", i));
    }
    String index = index(entries);
    int bound = RegistryClient.maxThreads(client.config());
    try (ThreadWatch watch = new ThreadWatch()) {
      assertThatThrownBy(() -> client.inspectNow(ref("hostile/wide@" + index), request()))
          .isInstanceOf(InvalidManifestException.class)
          .hasMessageContaining(what)
          .hasMessageContaining("\"manifests\"")
          .hasMessageContaining(cap);
      watch.close();
      assertThat(watch.peakJvm.get() - watch.baseline).isLessThanOrEqualTo(bound);
      assertThat(watch.peakEngine.get() - watch.engineBaseline).isLessThanOrEqualTo(bound);
    }
    // Only the index was fetched: no entry of it.
    assertThat(registry.requests).hasSize(1);
  }

  @Test
  void anIndexListingOneImageHundredsOfTimesCostsOneFetch() throws Exception {
    String config = configDigest();
    String only = manifest(config, "only");
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < ManifestParser.MAX_INDEX_ENTRIES; i++) {
      entries.add(only);
    }
    ImageFacts facts = client.inspectNow(ref("hostile/repeated@" + index(entries)), request());
    assertThat(facts.platforms()).hasSize(1);
    assertThat(registry.count("GET", "/manifests/" + only)).isEqualTo(1);
  }

  @Test
  void manyWideImagesAtOnceStayWithinTheStatedThreadBound() throws Exception {
    client(config -> config.fetchThreads(4).maxQueuedFetches(100));
    String config = configDigest();
    List<String> indexes = new ArrayList<>();
    for (int image = 0; image < 12; image++) {
      List<String> platforms = new ArrayList<>();
      for (int p = 0; p < FactsFetcher.MAX_INDEX_IMAGES; p++) {
        platforms.add(manifest(config, image + "-" + p));
      }
      indexes.add(index(platforms));
    }
    // A slow registry, so fetches and their helpers overlap.
    registry.intercept =
        request -> {
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        };
    int bound = RegistryClient.maxThreads(client.config());
    try (ThreadWatch watch = new ThreadWatch()) {
      List<CompletableFuture<ImageFacts>> all = new ArrayList<>();
      for (String index : indexes) {
        all.add(
            client.inspect(
                ref("wide/many@" + index), InspectRequest.within(Duration.ofSeconds(60))));
      }
      for (CompletableFuture<ImageFacts> facts : all) {
        assertThat(facts.get(90, TimeUnit.SECONDS).platforms())
            .hasSize(FactsFetcher.MAX_INDEX_IMAGES);
      }
      watch.close();
      int fetchThreads = client.config().fetchThreads();
      assertThat(watch.peakEngine.get() - watch.engineBaseline).isBetween(2, bound);
      // The MockWebServer adds a thread per connection the engine opens: at most one per
      // exchange in flight, which the engine's threads bound.
      assertThat(watch.peakJvm.get() - watch.baseline)
          .isLessThanOrEqualTo(bound + 2 * fetchThreads);
    }
  }

  @Test
  void aFullFetchQueueFailsAtOnceAsBusyNotBlocking() throws Exception {
    client(config -> config.fetchThreads(1).maxQueuedFetches(1));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    registry.intercept =
        request -> {
          arrived.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        };
    CompletableFuture<ImageFacts> running =
        client.inspect(ref("fixtures/multi@" + AMD64), request());
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<ImageFacts> queued =
        client.inspect(ref("fixtures/multi@" + ARM64), request());
    CompletableFuture<ImageFacts> refused =
        client.inspect(ref("fixtures/multi@" + INDEX), request());

    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(UnavailableException.class, e -> assertThat(e.temporary()).isTrue())
        .hasMessageContaining("registry engine busy");
    release.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS).digest()).isEqualTo(AMD64);
    assertThat(queued.get(10, TimeUnit.SECONDS).digest()).isEqualTo(ARM64);
    // Busy is not remembered: asked again, the image is fetched.
    assertThat(client.inspectNow(ref("fixtures/multi@" + INDEX), request()).platforms()).hasSize(2);
  }

  @Test
  void aPoolOfOneThreadMeasuresMultiPlatformImagesAndTheirLayers() throws Exception {
    client(config -> config.fetchThreads(1).maxQueuedFetches(4));
    ImageFacts facts =
        client.inspectNow(ref("fixtures/multi:latest"), request().withUncompressed(true));
    assertThat(facts.platforms()).hasSize(2);
    assertThat(facts.platforms()).allSatisfy(p -> assertThat(p.uncompressedSize()).isNotNull());
  }

  @Test
  void aManifestWithTooManyLayersIsRefusedNamingTheCap() throws Exception {
    String config = configDigest();
    StringBuilder layers = new StringBuilder();
    for (int i = 0; i <= ManifestParser.MAX_LAYERS; i++) {
      layers
          .append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append("sha256:")
          .append(String.format("%064x", i))
          .append("\",\"size\":100}");
    }
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\""
            + CONFIG_TYPE
            + "\",\"digest\":\""
            + config
            + "\",\"size\":"
            + CONFIG.length
            + "},\"layers\":["
            + layers
            + "]}";
    String digest =
        registry.addManifest(
            json.getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
    assertThatThrownBy(() -> client.inspectNow(ref("hostile/deep@" + digest), request()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("has " + (ManifestParser.MAX_LAYERS + 1) + " entries")
        .hasMessageContaining("\"layers\"")
        .hasMessageContaining("at most " + ManifestParser.MAX_LAYERS);
    assertThat(registry.count("GET", "/blobs/")).isZero();
  }

  @Test
  void requestsInFlightStayWithinTheLimitOverAllRegistries() throws Exception {
    client(config -> config.maxConcurrentRequests(2).maxConcurrentRequestsPerRegistry(8));
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    registry.intercept =
        request -> {
          most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlight.decrementAndGet();
          return null;
        };
    List<CompletableFuture<ImageFacts>> all = new ArrayList<>();
    for (String image :
        List.of("fixtures/multi:latest", "fixtures/multi-docker:latest", "fixtures/zstd:latest")) {
      all.add(client.inspect(ref(image), request().withUncompressed(true)));
    }
    for (CompletableFuture<ImageFacts> facts : all) {
      facts.get(30, TimeUnit.SECONDS);
    }
    assertThat(most.get()).isEqualTo(2);
  }

  @Test
  void aManifestLongerThanItsIndexEntryDeclaresIsRefused() throws Exception {
    String config = configDigest();
    String platform = manifest(config, "honest");
    int actual = registry.blobs.get(platform).length;
    String index =
        registry.addManifest(
            ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                    + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"digest\":\""
                    + platform
                    + "\",\"size\":"
                    + (actual - 10)
                    + "}]}")
                .getBytes(StandardCharsets.UTF_8),
            "application/vnd.oci.image.index.v1+json");
    assertThatThrownBy(() -> client.inspectNow(ref("hostile/short@" + index), request()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining(
            "longer than the " + (actual - 10) + " bytes its descriptor declares");
  }

  @Test
  void aConfigDeclaredOverTheCapIsRefusedWithoutARequest() throws Exception {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\""
            + CONFIG_TYPE
            + "\",\"digest\":\""
            + configDigest()
            + "\",\"size\":"
            + (CappedBody.CONFIG_CAP + 1)
            + "},\"layers\":[]}";
    String digest =
        registry.addManifest(
            json.getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json");
    assertThatThrownBy(() -> client.inspectNow(ref("hostile/fat@" + digest), request()))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("declares " + (CappedBody.CONFIG_CAP + 1) + " bytes")
        .hasMessageContaining("at most " + CappedBody.CONFIG_CAP);
    assertThat(registry.count("GET", "/blobs/")).isZero();
  }
}
