package dev.tonnage.bench;

import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Reproducible registry benchmark against a real local registry (distribution, plain HTTP): request
 * counts per image, then cold-facts throughput for N distinct images through {@link RegistryClient}
 * against a bare okhttp loop doing the same three requests per image (HEAD tag, GET manifest, GET
 * config) with the same concurrency, in the same process.
 *
 * <p>Run: see docs/benchmarks.md. Arguments: {@code [images (500)] [rounds (7)]}.
 */
public final class RegistryBenchmark {
  private static final String ACCEPT =
      "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json,"
          + " application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

  private RegistryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      RegistryClientConfig config = RequestCountScenarios.plainHttp(registry);
      String host = registry.hostPort();
      System.out.println("registry requests per image (distribution 2.8.2, plain HTTP)");
      RequestCountScenarios.pushTo(registry, images, "bench")
          .run()
          .forEach((scenario, n) -> System.out.printf("  %-40s %d%n", scenario, n));

      List<PushedImage> distinct = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        distinct.add(images.push("bench/img" + i + ":1", ImageSpec.singleLayer("f", "image " + i)));
      }
      List<ImageReference> refs =
          distinct.stream().map(p -> ImageReference.parse(p.reference())).toList();
      int concurrency = config.maxConcurrentRequestsPerRegistry();

      // Warm up the JIT on every path, then alternate measured rounds so that load from other
      // processes hits all of them alike; compare per round.
      allAtOnce(config, refs);
      paced(config, refs, concurrency);
      bare(host, distinct, concurrency);
      double[] atOnce = new double[rounds];
      double[] paced = new double[rounds];
      double[] bare = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        atOnce[r] = allAtOnce(config, refs);
        paced[r] = paced(config, refs, concurrency);
        bare[r] = bare(host, distinct, concurrency);
      }
      System.out.printf(
          "cold facts for %d distinct images, at most %d requests in flight, median of %d rounds%n",
          count, concurrency, rounds);
      report("bare okhttp loop, " + concurrency + " threads", count, bare, bare);
      report("RegistryClient, " + concurrency + " callers", count, paced, bare);
      report("RegistryClient, all " + count + " at once", count, atOnce, bare);
    }
  }

  private static void report(String what, int count, double[] seconds, double[] baseline) {
    double[] ratios = new double[seconds.length];
    for (int r = 0; r < seconds.length; r++) {
      ratios[r] = seconds[r] / baseline[r];
    }
    double median = median(seconds);
    System.out.printf(
        "  %-36s %6.0f images/s  %6.0f ms  time ratio to bare %.2f%n",
        what, count / median, median * 1000, median(ratios));
  }

  /** Seconds for a fresh client (cold caches) with {@code threads} callers, each blocking. */
  private static double paced(RegistryClientConfig config, List<ImageReference> refs, int threads)
      throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try (RegistryClient client = new RegistryClient(config)) {
      long start = System.nanoTime();
      InspectRequest request = InspectRequest.within(Duration.ofMinutes(2));
      List<Future<?>> all = new ArrayList<>();
      for (ImageReference ref : refs) {
        all.add(callers.submit(() -> client.inspectNow(ref, request)));
      }
      for (Future<?> f : all) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      callers.shutdown();
    }
  }

  /** Seconds for a fresh client (cold caches) to inspect every image, all asked at once. */
  private static double allAtOnce(RegistryClientConfig config, List<ImageReference> refs) {
    try (RegistryClient client = new RegistryClient(config)) {
      long start = System.nanoTime();
      InspectRequest request = InspectRequest.within(Duration.ofMinutes(2));
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (ImageReference ref : refs) {
        all.add(client.inspect(ref, request));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Seconds for a plain okhttp client to do the same three requests per image. */
  private static double bare(String host, List<PushedImage> images, int concurrency)
      throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      long start = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (PushedImage image : images) {
        all.add(pool.submit(() -> fetch(http, host, image)));
      }
      for (Future<?> f : all) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdown();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private static Void fetch(OkHttpClient http, String host, PushedImage image) throws IOException {
    String base = "http://" + host + "/v2/" + image.repository();
    String digest;
    try (Response head =
        http.newCall(
                new Request.Builder()
                    .head()
                    .url(base + "/manifests/" + image.tag())
                    .header("Accept", ACCEPT)
                    .build())
            .execute()) {
      digest = head.header("Docker-Content-Digest");
    }
    try (Response manifest =
        http.newCall(
                new Request.Builder()
                    .url(base + "/manifests/" + digest)
                    .header("Accept", ACCEPT)
                    .build())
            .execute()) {
      manifest.body().bytes();
    }
    try (Response config =
        http.newCall(
                new Request.Builder().url(base + "/blobs/" + image.single().configDigest()).build())
            .execute()) {
      config.body().bytes();
    }
    return null;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
