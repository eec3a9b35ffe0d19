package dev.tonnage.bench;

import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryEventListener;
import dev.tonnage.registry.RegistryException;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.IndexSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registry requests per image in the situations the design budgets for, counted through the {@link
 * RegistryEventListener} (every exchange, retries and token requests included). Shared by {@link
 * RegistryBenchmark} and {@code RequestCountsIT}: counts are not timings, so they are asserted in
 * the build.
 */
final class RequestCountScenarios {

  /** Counts exchanges. */
  static final class Counter implements RegistryEventListener {
    final AtomicInteger requests = new AtomicInteger();

    @Override
    public void requestCompleted(String registry, String method, int status, Duration duration) {
      requests.incrementAndGet();
    }

    int take() {
      return requests.getAndSet(0);
    }
  }

  private final RegistryClientConfig config;
  private final ImageReference single;
  private final ImageReference index;
  private final ImageReference crowded;

  private RequestCountScenarios(
      RegistryClientConfig config,
      ImageReference single,
      ImageReference index,
      ImageReference crowded) {
    this.config = config;
    this.single = single;
    this.index = index;
    this.crowded = crowded;
  }

  /**
   * Pushes the scenario images to {@code registry} (plain HTTP) under {@code prefix}/: a
   * single-platform image, a two-platform index with attestations, and one for the crowd.
   */
  static RequestCountScenarios pushTo(RegistryServer registry, ImageBuilder images, String prefix) {
    String host = registry.hostPort();
    images.push(prefix + "/single:1", ImageSpec.singleLayer("a.txt", "single"));
    images.push(
        prefix + "/index:1",
        IndexSpec.builder(ManifestFormat.OCI)
            .image(platform("linux/amd64"))
            .image(platform("linux/arm64"))
            .withAttestations()
            .build());
    images.push(prefix + "/crowded:1", ImageSpec.singleLayer("c.txt", "crowded"));
    return new RequestCountScenarios(
        plainHttp(registry),
        ImageReference.parse(host + "/" + prefix + "/single:1"),
        ImageReference.parse(host + "/" + prefix + "/index:1"),
        ImageReference.parse(host + "/" + prefix + "/crowded:1"));
  }

  /** Client settings for the plain-HTTP benchmark registry, defaults otherwise. */
  static RegistryClientConfig plainHttp(RegistryServer registry) {
    return RegistryClientConfig.builder().insecureRegistries(Set.of(registry.hostPort())).build();
  }

  private static ImageSpec platform(String platform) {
    return ImageSpec.builder()
        .platform(platform)
        .layer(LayerSpec.gzipFile("x", platform), "RUN build " + platform)
        .build();
  }

  /** Scenario -> registry requests, in a stable order. */
  Map<String, Integer> run() throws RegistryException, InterruptedException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Counter counter = new Counter();
    Duration ttl = Duration.ofMillis(500);
    InspectRequest request = InspectRequest.within(Duration.ofSeconds(30));
    try (RegistryClient client =
        new RegistryClient(config.toBuilder().tagTtl(ttl).build(), counter)) {
      client.inspectNow(single, request);
      counts.put("cold single-platform tag", counter.take());
      client.inspectNow(index, request);
      counts.put("cold index", counter.take());
      client.inspectNow(single, request);
      counts.put("warm, within the tag TTL", counter.take());
      Thread.sleep(ttl.toMillis() + 200);
      client.inspectNow(single, request);
      counts.put("after the TTL, tag unchanged", counter.take());
      client.inspectNow(single, request.withUncompressed(true));
      counts.put("uncompressed sizes of a cached image", counter.take());
      List<CompletableFuture<?>> callers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        callers.add(client.inspect(crowded, request));
      }
      CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
      counts.put("100 concurrent callers, one new image", counter.take());
    }
    try (RegistryClient cli =
        new RegistryClient(config.toBuilder().resolveTagsWithGet(true).build(), counter)) {
      cli.inspectNow(single, request);
      counts.put("one-shot run (CLI): cold single-platform tag", counter.take());
      cli.inspectNow(index, request);
      counts.put("one-shot run (CLI): cold index", counter.take());
    }
    return counts;
  }
}
