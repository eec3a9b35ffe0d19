package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One registry's word about a layer never changes another's facts: registry B serves the same layer
 * digest as registry A with a forged gzip trailer. Only a size measured by streaming the layer and
 * verifying its digest is shared.
 */
class CrossTenantSizesIT {

  private static final String LAYER = RegistryTestBase.AMD64_LAYER;
  private static final long HONEST = 5632;

  private final FixtureRegistry honest = FixtureRegistry.load();
  private final FixtureRegistry forging = FixtureRegistry.load();
  private MockWebServer a;
  private MockWebServer b;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    a = new MockWebServer();
    a.setDispatcher(honest);
    a.start();
    b = new MockWebServer();
    b.setDispatcher(forging);
    b.start();
    // The trailer says 1 byte: a forged ISIZE for the same digest.
    forging.intercept =
        request ->
            request.getUrl().encodedPath().endsWith("/blobs/" + LAYER)
                    && request.getHeaders().get("Range") != null
                ? new MockResponse.Builder()
                    .code(206)
                    .setHeader("Content-Range", "bytes 2251-2254/2255")
                    .body(new Buffer().write(new byte[] {1, 0, 0, 0}))
                    .build()
                : null;
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .insecureRegistries(Set.of(host(a), host(b)))
                .requestTimeout(Duration.ofSeconds(5))
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    a.close();
    b.close();
  }

  private static String host(MockWebServer server) {
    return server.getHostName() + ":" + server.getPort();
  }

  private LayerFacts layer(MockWebServer server, String repository) throws RegistryException {
    ImageReference ref = ImageReference.parse(host(server) + "/" + repository + ":amd64");
    return client
        .inspectNow(ref, InspectRequest.within(Duration.ofSeconds(10)).withUncompressed(true))
        .platforms()
        .get(0)
        .layers()
        .get(0);
  }

  @Test
  void aForgedTrailerOnAnotherRegistryLeavesThisImagesSizeAlone() throws Exception {
    LayerFacts forged = layer(b, "fixtures/multi");
    assertThat(forged.digest()).isEqualTo(LAYER);
    assertThat(forged.uncompressedSize().bytes()).isNotEqualTo(HONEST);

    LayerFacts own = layer(a, "fixtures/multi");
    assertThat(own.uncompressedSize()).isEqualTo(UncompressedSize.exact(HONEST, "gzip-trailer"));
    assertThat(honest.count("GET", "/blobs/" + LAYER)).isEqualTo(1);
  }

  @Test
  void aSizeMeasuredByStreamingAndDigestCheckedIsSharedWithEveryRepository() throws Exception {
    layer(b, "fixtures/multi");
    LayerFacts own = layer(a, "fixtures/multi");

    UncompressedSize streamed =
        client
            .streamUncompressedSize(
                ImageReference.parse(host(a) + "/fixtures/multi:amd64"),
                own,
                InspectRequest.within(Duration.ofSeconds(10)),
                10_000)
            .get();
    assertThat(streamed).isEqualTo(UncompressedSize.exact(HONEST, "stream"));

    assertThat(layer(b, "fixtures/multi").uncompressedSize()).isEqualTo(streamed);
    assertThat(layer(a, "fixtures/multi").uncompressedSize()).isEqualTo(streamed);
    assertThat(layer(b, "fixtures/multi-docker").uncompressedSize()).isEqualTo(streamed);
  }

  @Test
  void aStreamThatDoesNotMatchTheDigestSettlesNothing() throws Exception {
    LayerFacts forged = layer(b, "fixtures/multi");
    byte[] other = forging.blob(RegistryTestBase.ARM64_LAYER);
    forging.intercept =
        request ->
            request.getUrl().encodedPath().endsWith("/blobs/" + LAYER)
                ? new MockResponse.Builder().body(new Buffer().write(other)).build()
                : null;
    assertThat(
            client.streamUncompressedSize(
                ImageReference.parse(host(b) + "/fixtures/multi:amd64"),
                forged,
                InspectRequest.within(Duration.ofSeconds(10)),
                10_000))
        .failsWithin(Duration.ofSeconds(10));
    assertThat(layer(a, "fixtures/multi").uncompressedSize())
        .isEqualTo(UncompressedSize.exact(HONEST, "gzip-trailer"));
  }
}
