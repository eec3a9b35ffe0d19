package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class RegistryClientFactsIT extends RegistryTestBase {

  @Test
  void coldSinglePlatformTagCostsHeadManifestAndConfig() throws Exception {
    ImageFacts facts = inspect("fixtures/multi:amd64");

    assertThat(seen())
        .containsExactly(
            "HEAD /v2/fixtures/multi/manifests/amd64",
            "GET /v2/fixtures/multi/manifests/" + AMD64,
            "GET /v2/fixtures/multi/blobs/" + AMD64_CONFIG);
    assertThat(facts.reference()).isEqualTo(ref("fixtures/multi:amd64"));
    assertThat(facts.digest()).isEqualTo(AMD64);
    assertThat(facts.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    PlatformFacts amd64 = facts.platforms().get(0);
    assertThat(amd64.platform()).isEqualTo(Platform.LINUX_AMD64);
    assertThat(amd64.manifestDigest()).isEqualTo(AMD64);
    assertThat(amd64.configDigest()).isEqualTo(AMD64_CONFIG);
    assertThat(amd64.compressedSize()).isEqualTo(478 + 2255);
    assertThat(amd64.layerCount()).isEqualTo(1);
    assertThat(amd64.largestLayerSize()).isEqualTo(2255);
    assertThat(amd64.uncompressedSize()).isNull();
    assertThat(amd64.layers())
        .containsExactly(
            new LayerFacts(
                AMD64_LAYER,
                "application/vnd.oci.image.layer.v1.tar+gzip",
                2255,
                null,
                "umoci repack"));
    assertThat(amd64.labels())
        .isEqualTo(Map.of("org.opencontainers.image.source", "https://example.com/app"));
    assertThat(amd64.baseImage()).isNull();
  }

  @Test
  void warmWithinTheTtlCostsNoRequest() throws Exception {
    ImageFacts cold = inspect("fixtures/multi:amd64");
    int before = registry.requests.size();
    ImageFacts warm = inspect("fixtures/multi:amd64");
    assertThat(registry.requests).hasSize(before);
    assertThat(warm).isEqualTo(cold);
  }

  @Test
  void afterTheTtlOneHeadRevalidatesTheTag() throws Exception {
    client(config -> config.tagTtl(Duration.ofMillis(50)));
    inspect("fixtures/multi:amd64");
    Thread.sleep(120);
    registry.requests.clear();
    inspect("fixtures/multi:amd64");
    assertThat(seen()).containsExactly("HEAD /v2/fixtures/multi/manifests/amd64");
  }

  @Test
  void aMovedTagIsNoticedAfterTheTtl() throws Exception {
    client(config -> config.tagTtl(Duration.ofMillis(50)));
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    registry.tags.put("fixtures/multi:amd64", ARM64);
    Thread.sleep(120);
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(ARM64);
  }

  @Test
  void indexResolvesEachPlatformSkippingTheAttestation() throws Exception {
    ImageFacts facts = inspect("fixtures/multi:latest");

    assertThat(facts.digest()).isEqualTo(INDEX);
    assertThat(facts.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(facts.platforms())
        .extracting(PlatformFacts::platform)
        .containsExactly(Platform.LINUX_AMD64, Platform.parse("linux/arm64/v8"));
    assertThat(facts.platform(Platform.parse("linux/arm64"))).isPresent();
    assertThat(seen()).hasSize(6).noneMatch(line -> line.contains("616151d4"));
    PlatformFacts arm64 = facts.platform(Platform.parse("linux/arm64")).orElseThrow();
    assertThat(arm64.baseImage())
        .isEqualTo(
            new BaseImage(
                "index.docker.io/library/alpine:3.19",
                "sha256:a8560b36e8b8210634f77d9f7f9efd7ffa463e380b75e2e74aff4511df3ef88c",
                BaseImage.Source.MANIFEST_ANNOTATION));
    assertThat(arm64.layers().get(0).digest()).isEqualTo(ARM64_LAYER);
  }

  @Test
  void dockerManifestListGivesTheSameFactsAsTheOciIndex() throws Exception {
    ImageFacts oci = inspect("fixtures/multi:latest");
    ImageFacts docker = inspect("fixtures/multi-docker:latest");
    assertThat(docker.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(docker.platforms()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      PlatformFacts a = oci.platforms().get(i);
      PlatformFacts b = docker.platforms().get(i);
      assertThat(b.platform()).isEqualTo(a.platform());
      assertThat(b.compressedSize()).isEqualTo(a.compressedSize());
      assertThat(b.layers())
          .extracting(LayerFacts::digest)
          .isEqualTo(a.layers().stream().map(LayerFacts::digest).toList());
      assertThat(b.layers().get(0).mediaType())
          .isEqualTo("application/vnd.docker.image.rootfs.diff.tar.gzip");
    }
  }

  @Test
  void aDigestReferenceNeedsNoHead() throws Exception {
    inspect("fixtures/multi@" + AMD64);
    assertThat(seen())
        .containsExactly(
            "GET /v2/fixtures/multi/manifests/" + AMD64,
            "GET /v2/fixtures/multi/blobs/" + AMD64_CONFIG);
  }

  @Test
  void aHeadWithoutDigestFallsBackToGetByTag() throws Exception {
    registry.headWithoutDigest.add("amd64");
    ImageFacts facts = inspect("fixtures/multi:amd64");
    assertThat(facts.digest()).isEqualTo(AMD64);
    assertThat(seen())
        .containsExactly(
            "HEAD /v2/fixtures/multi/manifests/amd64",
            "GET /v2/fixtures/multi/manifests/amd64",
            "GET /v2/fixtures/multi/blobs/" + AMD64_CONFIG);
  }

  @Test
  void aRegistryRefusingHeadOnManifestsIsAskedWithGet() throws Exception {
    registry.intercept =
        request ->
            request.getMethod().equals("HEAD")
                ? new MockResponse.Builder().code(405).build()
                : null;
    assertThat(inspect("fixtures/multi:amd64").digest()).isEqualTo(AMD64);
    assertThat(seen())
        .containsExactly(
            "HEAD /v2/fixtures/multi/manifests/amd64",
            "GET /v2/fixtures/multi/manifests/amd64",
            "GET /v2/fixtures/multi/blobs/" + AMD64_CONFIG);
  }

  @Test
  void anImageIsNotItsOwnBase() throws Exception {
    ImageFacts facts =
        client.inspectNow(
            ref("fixtures/multi:amd64"),
            request().withCandidateBases(List.of(ref("fixtures/multi@" + AMD64))));
    assertThat(facts.platforms().get(0).baseImage()).isNull();
  }

  @Test
  void uncompressedSizesComeFromTheGzipTrailerAndTheZstdHeader() throws Exception {
    InspectRequest uncompressed = request().withUncompressed(true);
    PlatformFacts gzip =
        client.inspectNow(ref("fixtures/multi:amd64"), uncompressed).platforms().get(0);
    assertThat(gzip.layers().get(0).uncompressedSize())
        .isEqualTo(UncompressedSize.exact(5632, "gzip-trailer"));
    assertThat(gzip.uncompressedSize()).isEqualTo(UncompressedSize.exact(5632, "sum"));
    assertThat(registry.requests.get(registry.requests.size() - 1).getHeaders().get("Range"))
        .isEqualTo("bytes=2251-2254");

    PlatformFacts zstd =
        client.inspectNow(ref("fixtures/zstd:latest"), uncompressed).platforms().get(0);
    assertThat(zstd.uncompressedSize().bytes()).isEqualTo(61440);
    assertThat(zstd.layers().get(0).uncompressedSize().source()).isEqualTo("zstd-frame-header");
    assertThat(zstd.layers().get(0).createdBy()).isEqualTo("ADD zeros /opt/zeros");
    assertThat(registry.requests.get(registry.requests.size() - 1).getHeaders().get("Range"))
        .isEqualTo("bytes=0-17");
  }

  @Test
  void trailerReadsAreCachedPerRepositoryNotAcrossRepositories() throws Exception {
    InspectRequest uncompressed = request().withUncompressed(true);
    client.inspectNow(ref("fixtures/multi:amd64"), uncompressed);
    client.inspectNow(ref("fixtures/multi:amd64"), uncompressed);
    assertThat(registry.count("GET", "/blobs/" + AMD64_LAYER)).isEqualTo(1);
    // Another repository's trailer is that repository's word, read again for it.
    client.inspectNow(ref("fixtures/multi-docker:amd64"), uncompressed);
    assertThat(registry.count("GET", "/blobs/" + AMD64_LAYER)).isEqualTo(2);
  }

  @Test
  void compressedOnlyFactsAreCompletedWhenUncompressedSizesAreAskedLater() throws Exception {
    inspect("fixtures/multi:amd64");
    registry.requests.clear();
    ImageFacts facts =
        client.inspectNow(ref("fixtures/multi:amd64"), request().withUncompressed(true));
    assertThat(facts.platforms().get(0).uncompressedSize()).isNotNull();
    assertThat(seen()).containsExactly("GET /v2/fixtures/multi/blobs/" + AMD64_LAYER);
  }

  @Test
  void streamingALayerSettlesItsSizeForEveryLaterInspection() throws Exception {
    InspectRequest uncompressed = request().withUncompressed(true);
    LayerFacts layer =
        client
            .inspectNow(ref("fixtures/multi:amd64"), uncompressed)
            .platforms()
            .get(0)
            .layers()
            .get(0);
    assertThat(layer.uncompressedSize().source()).isEqualTo("gzip-trailer");

    UncompressedSize streamed =
        client.streamUncompressedSize(ref("fixtures/multi:amd64"), layer, request(), 10_000).get();

    assertThat(streamed).isEqualTo(UncompressedSize.exact(5632, "stream"));
    registry.requests.clear();
    ImageFacts again = client.inspectNow(ref("fixtures/multi:amd64"), uncompressed);
    assertThat(again.platforms().get(0).layers().get(0).uncompressedSize().source())
        .isEqualTo("stream");
    assertThat(registry.requests).isEmpty();
  }

  @Test
  void streamingRefusesLayersOverTheBudgetWithoutARequest() throws Exception {
    PlatformFacts amd64 = inspect("fixtures/multi:amd64").platforms().get(0);
    registry.requests.clear();
    assertThat(
            client.streamUncompressedSize(
                ref("fixtures/multi:amd64"), amd64.layers().get(0), request(), 1000))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .havingRootCause()
        .withMessageContaining("over the budget of 1000");
    assertThat(registry.requests).isEmpty();
  }

  @Test
  void aStreamedLayerMustMatchItsDigest() throws Exception {
    LayerFacts layer = inspect("fixtures/multi:amd64").platforms().get(0).layers().get(0);
    byte[] other = registry.blob(ARM64_LAYER);
    registry.intercept =
        request ->
            request.getUrl().encodedPath().endsWith("/blobs/" + AMD64_LAYER)
                ? new MockResponse.Builder().body(new Buffer().write(other)).build()
                : null;
    assertThat(client.streamUncompressedSize(ref("fixtures/multi:amd64"), layer, request(), 10_000))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(InvalidManifestException.class)
        .withMessageContaining("serves other content than the manifest names");
  }

  @Test
  void aRegistryIgnoringRangeLeavesTheSizeUnknownNeverZero() throws Exception {
    registry.intercept =
        request ->
            request.getHeaders().get("Range") == null
                ? null
                : new MockResponse.Builder()
                    .code(200)
                    .body(new Buffer().write(new byte[64 * 1024]))
                    .build();
    PlatformFacts facts =
        client
            .inspectNow(ref("fixtures/multi:amd64"), request().withUncompressed(true))
            .platforms()
            .get(0);
    assertThat(facts.layers().get(0).uncompressedSize()).isNull();
    assertThat(facts.uncompressedSize()).isNull();
  }

  @Test
  void candidateBasesAreMatchedByLayerPrefix() throws Exception {
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + AMD64_CONFIG
                + "\",\"size\":478},\"layers\":["
                + "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + AMD64_LAYER
                + "\",\"size\":2255},"
                + "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + ARM64_LAYER
                + "\",\"size\":2252}]}")
            .getBytes(StandardCharsets.UTF_8);
    String digest = registry.addManifest(manifest, MediaTypes.OCI_MANIFEST);
    registry.tags.put("fixtures/app:v1", digest);

    ImageFacts facts =
        client.inspectNow(
            ref("fixtures/app:v1"),
            request()
                .withCandidateBases(
                    List.of(
                        ref("fixtures/zstd:latest"),
                        ref("fixtures/multi:latest"),
                        ref("fixtures/gone:1"))));

    PlatformFacts app = facts.platforms().get(0);
    assertThat(app.compressedSize()).isEqualTo(478 + 2255 + 2252);
    assertThat(app.largestLayerSize()).isEqualTo(2255);
    assertThat(app.layers()).extracting(LayerFacts::createdBy).containsOnlyNulls();
    assertThat(app.baseImage())
        .isEqualTo(
            new BaseImage(
                ref("fixtures/multi:latest").toString(), AMD64, BaseImage.Source.LAYER_PREFIX));
    // The candidate's facts are cached like any image's.
    registry.requests.clear();
    inspect("fixtures/multi:latest");
    assertThat(registry.requests).isEmpty();
  }

  @Test
  void aHelmChartIsRefusedAsNotAnImage() {
    assertThatThrownBy(() -> inspect("fixtures/chart:0.1.0"))
        .isInstanceOf(NotAnImageException.class)
        .hasMessageContaining("not a container image")
        .hasMessageContaining("application/vnd.cncf.helm.config.v1+json");
    assertThat(registry.count("GET", "/blobs/")).isZero();
  }

  @Test
  void schema1IsRefusedWithWhatToDo() {
    byte[] schema1 = FixtureRegistry.bytes("documents/schema1-signed.json");
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/manifests/")
                ? new MockResponse.Builder()
                    .setHeader("Content-Type", MediaTypes.DOCKER_SCHEMA1_SIGNED)
                    .body(new Buffer().write(schema1))
                    .build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/old:1"))
        .isInstanceOf(UnsupportedMediaTypeException.class)
        .hasMessageContaining("schema 1")
        .hasMessageContaining("push the image again");
  }

  @Test
  void contentNotMatchingItsDigestIsRefused() {
    byte[] other = registry.blobs.get(ARM64);
    registry.intercept =
        request ->
            request.getUrl().encodedPath().endsWith("/manifests/" + AMD64)
                ? new MockResponse.Builder()
                    .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                    .body(new Buffer().write(other))
                    .build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("has digest " + ARM64)
        .hasMessageContaining(AMD64 + " was expected");
  }

  @Test
  void aConfigNotMatchingItsDigestIsRefused() {
    registry.intercept =
        request ->
            request.getUrl().encodedPath().endsWith("/blobs/" + AMD64_CONFIG)
                ? new MockResponse.Builder().body("{\"os\":\"linux\"}").build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("image config");
  }

  @Test
  void malformedJsonIsAnInvalidManifest() {
    byte[] broken = "{\"schemaVersion\": 2, \"layers\": [".getBytes(StandardCharsets.UTF_8);
    String digest = registry.addManifest(broken, MediaTypes.OCI_MANIFEST);
    assertThatThrownBy(() -> inspect("fixtures/broken@" + digest))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void oversizedManifestsAreRefusedWithoutReadingThemWhole() {
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/manifests/")
                    && request.getMethod().equals("GET")
                ? new MockResponse.Builder()
                    .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                    .body(new Buffer().write(new byte[5 * 1024 * 1024]))
                    .build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("larger than 4096 KiB");
  }

  @Test
  void anIndexOfOnlyAttestationsIsNotAnImage() {
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"sha256:616151d4773fd9c16b772ea4f7993c705b142bcf4d46041802018660185a63c8\","
            + "\"size\":458,\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}}]}";
    byte[] bytes = index.getBytes(StandardCharsets.UTF_8);
    String digest = registry.addManifest(bytes, MediaTypes.OCI_INDEX);
    assertThatThrownBy(() -> inspect("fixtures/att@" + digest))
        .isInstanceOf(NotAnImageException.class)
        .hasMessageContaining("no container image for any platform");
  }
}
