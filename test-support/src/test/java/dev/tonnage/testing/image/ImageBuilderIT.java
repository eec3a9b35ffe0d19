package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every kind of image the builder makes, pushed to a real registry and read back. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class ImageBuilderIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALPINE_DIGEST = "sha256:" + "a".repeat(64);

  private static RegistryServer registry;
  private static ImageBuilder images;

  @BeforeAll
  static void startRegistry() {
    registry = RegistryServer.start(RegistryMode.TLS);
    images = ImageBuilder.forRegistry(registry);
  }

  @AfterAll
  static void stopRegistry() {
    images.close();
    registry.close();
  }

  @Test
  void dockerSchema2ImageIsServedByTagAsPushed() throws Exception {
    PushedImage image =
        images.push(
            "docker/app:1",
            ManifestFormat.DOCKER_V2,
            ImageSpec.builder()
                .layer(LayerSpec.gzipFile("etc/motd", "hello"), "COPY motd /etc/motd")
                .step("ENV A=1")
                .layer(LayerSpec.uncompressed(TarArchive.ofFile("app", "x")), "COPY app /")
                .baseImage("docker.io/library/debian:12", ALPINE_DIGEST, BaseImageSource.LABELS)
                .build());

    FetchedManifest served = images.client().manifest("docker/app", "1");

    assertThat(served.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(served.digest()).isEqualTo(image.digest());
    PushedManifest facts = image.single();
    JsonNode manifest = JSON.readTree(served.content());
    assertThat(manifest.path("config").path("digest").asText()).isEqualTo(facts.configDigest());
    assertThat(facts.layers())
        .extracting(PushedLayer::createdBy)
        .containsExactly("COPY motd /etc/motd", "COPY app /");
    assertThat(facts.baseImage().source()).isEqualTo(DeclaredBaseImage.FROM_LABELS);
    for (PushedLayer layer : facts.layers()) {
      assertThat(images.client().blob("docker/app", layer.digest())).hasSize((int) layer.size());
    }
  }

  @Test
  void ociManifestWithoutMediaTypeIsServedAsOci() throws Exception {
    PushedImage image =
        images.push(
            "oci/bare:1",
            ManifestFormat.OCI_WITHOUT_MEDIA_TYPE,
            ImageSpec.singleLayer("a", "bare"));

    FetchedManifest served = images.client().manifest("oci/bare", "1");

    assertThat(JSON.readTree(served.content()).has("mediaType")).isFalse();
    assertThat(served.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(image.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void ociIndexWithThreePlatformsAndAttestations() {
    PushedImage image =
        images.push(
            "multi/oci:1",
            IndexSpec.builder(ManifestFormat.OCI)
                .image(platformImage("linux/amd64"))
                .image(platformImage("linux/arm/v7"))
                .image(platformImage("linux/arm64/v8"))
                .withAttestations()
                .build());

    FetchedManifest index = images.client().manifest("multi/oci", "1");

    assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.digest()).isEqualTo(image.digest());
    assertThat(image.manifests()).hasSize(3);
    assertThat(image.attestations()).hasSize(3);
    for (PushedManifest manifest : image.manifests()) {
      FetchedManifest child = images.client().manifest("multi/oci", manifest.digest());
      assertThat(child.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }
    assertThat(image.platform("linux/arm64/v8").layers().get(0).createdBy())
        .isEqualTo("RUN build linux/arm64/v8");
  }

  @Test
  void dockerManifestListWithArmVariants() {
    PushedImage image =
        images.push(
            "multi/docker:1",
            IndexSpec.builder(ManifestFormat.DOCKER_V2)
                .image(platformImage("linux/amd64"))
                .image(platformImage("linux/arm/v7"))
                .build());

    FetchedManifest list = images.client().manifest("multi/docker", "1");

    assertThat(list.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(image.manifests())
        .extracting(PushedManifest::mediaType)
        .containsOnly(MediaTypes.DOCKER_MANIFEST);
    assertThat(image.platform("linux/arm/v7").platform().variant()).isEqualTo("v7");
  }

  @Test
  void gzipTrailerHoldsTheUncompressedSizeModulo4GiB() {
    TarArchive tar = TarArchive.builder().randomFile("bin/tool", 50_000, 9).build();
    PushedImage image =
        images.push(
            "layers/gzip:1", ImageSpec.builder().layer(LayerSpec.gzip(tar), "ADD tool").build());
    PushedLayer layer = image.single().layers().get(0);

    byte[] trailer = images.client().blobRange("layers/gzip", layer.digest(), "bytes=-4");

    assertThat(isize(trailer)).isEqualTo(layer.uncompressedSize() % LayerSpec.FOUR_GIB);
    assertThat(layer.uncompressedSize()).isEqualTo(tar.size());
  }

  @Test
  void zstdLayersDecodeToTheirUncompressedSize() {
    TarArchive tar = TarArchive.builder().randomFile("data", 200_000, 4).build();
    PushedImage image =
        images.push(
            "layers/zstd:1",
            ImageSpec.builder()
                .layer(LayerSpec.zstd(tar), "RUN make")
                .layer(LayerSpec.zstdWithoutContentSize(tar), "RUN make again")
                .build());

    for (PushedLayer layer : image.single().layers()) {
      assertThat(layer.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
      byte[] blob = images.client().blob("layers/zstd", layer.digest());
      assertThat(ZstdFrames.decompressedSize(blob))
          .isEqualTo(layer.uncompressedSize())
          .isEqualTo(tar.size());
    }
  }

  @Test
  void aLayerOfMoreThan4GiBUncompressedIsAFewMegabytesPushed() {
    long fileSize = LayerSpec.FOUR_GIB + LayerSpec.FOUR_GIB / 8;
    PushedImage image =
        images.push(
            "layers/huge:1",
            ImageSpec.builder()
                .layer(LayerSpec.gzipOfZeros(fileSize), "RUN dd if=/dev/zero")
                .build());
    PushedLayer layer = image.single().layers().get(0);

    byte[] trailer = images.client().blobRange("layers/huge", layer.digest(), "bytes=-4");

    assertThat(layer.exceedsGzipIsize()).isTrue();
    assertThat(layer.uncompressedSize()).isGreaterThan(fileSize);
    assertThat(layer.size()).isBetween(4_000_000L, 6_000_000L);
    assertThat(isize(trailer)).isEqualTo(layer.uncompressedSize() % LayerSpec.FOUR_GIB);
    assertThat(isize(trailer)).isLessThan(layer.uncompressedSize());
  }

  @Test
  void foreignLayersAreInTheManifestButNotInTheRegistry() {
    PushedImage image =
        images.push(
            "layers/foreign:1",
            ManifestFormat.OCI,
            ImageSpec.builder()
                .platform("windows/amd64")
                .layer(
                    LayerSpec.foreign(
                        TarArchive.ofFile("Files/base", "w"), "https://example.invalid/base.tgz"),
                    "base")
                .layer(LayerSpec.gzipFile("Files/app", "a"), "COPY app")
                .build());
    PushedLayer foreign = image.single().layers().get(0);

    assertThat(foreign.mediaType()).isEqualTo(MediaTypes.OCI_NONDISTRIBUTABLE_LAYER_GZIP);
    assertThat(images.client().blobExists("layers/foreign", foreign.digest())).isFalse();
    assertThat(
            images.client().blobExists("layers/foreign", image.single().layers().get(1).digest()))
        .isTrue();
  }

  @Test
  void baseImageAnnotationsAreKeptOnOciManifests() throws Exception {
    PushedImage image =
        images.push(
            "base/annotated:1",
            ImageSpec.builder()
                .layer(LayerSpec.gzipFile("a", "a"), "RUN a")
                .baseImage(
                    "docker.io/library/alpine:3.20", ALPINE_DIGEST, BaseImageSource.ANNOTATIONS)
                .build());

    JsonNode served = JSON.readTree(images.client().manifest("base/annotated", "1").content());

    assertThat(served.path("annotations").path(ImageSpec.BASE_NAME).asText())
        .isEqualTo("docker.io/library/alpine:3.20");
    assertThat(image.single().baseImage())
        .isEqualTo(
            new DeclaredBaseImage("docker.io/library/alpine:3.20", ALPINE_DIGEST, "annotation"));
  }

  @Test
  void helmChartArtifact() {
    PushedImage chart =
        images.push("charts/tonnage:0.1.0", ArtifactSpec.helmChart("tonnage", "0.1.0"));

    FetchedManifest served = images.client().manifest("charts/tonnage", "0.1.0");

    assertThat(served.text()).contains(MediaTypes.HELM_CONFIG, MediaTypes.HELM_CHART_LAYER);
    assertThat(chart.single().platform()).isNull();
  }

  @Test
  void pushingTheSameSpecTwiceGivesTheSameDigestAndDeleteRemovesIt() {
    ImageSpec spec = ImageSpec.singleLayer("same", "same");
    PushedImage first = images.push("again/app:1", spec);
    PushedImage second = images.push("again/app:2", spec);

    images.client().deleteManifest("again/app", first.digest());

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThatThrownBy(() -> images.client().manifest("again/app", first.digest()))
        .isInstanceOf(RegistryResponseException.class)
        .extracting(e -> ((RegistryResponseException) e).status())
        .isEqualTo(404);
  }

  @Test
  void untaggedPushesAreReferencedByDigest() {
    PushedImage image = images.push("untagged/app", ImageSpec.singleLayer("u", "u"));

    assertThat(image.tag()).isNull();
    assertThat(image.reference())
        .isEqualTo(registry.hostPort() + "/untagged/app@" + image.digest());
    assertThat(images.client().manifest("untagged/app", image.digest()).digest())
        .isEqualTo(image.digest());
  }

  @Test
  void gzipLayersAreRealArchives() {
    TarArchive tar = TarArchive.ofFile("etc/os-release", "ID=test\n");
    PushedImage image =
        images.push("layers/real:1", ImageSpec.builder().layer(LayerSpec.gzip(tar), "ADD").build());

    byte[] blob = images.client().blob("layers/real", image.single().layers().get(0).digest());

    assertThat(Gzip.decompressedSize(new ByteArrayInputStream(blob))).isEqualTo(tar.size());
  }

  private static ImageSpec platformImage(String platform) {
    return ImageSpec.builder()
        .platform(platform)
        .layer(LayerSpec.gzipFile("platform.txt", platform), "RUN build " + platform)
        .build();
  }

  private static long isize(byte[] trailer) {
    return Integer.toUnsignedLong(ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN).getInt());
  }
}
