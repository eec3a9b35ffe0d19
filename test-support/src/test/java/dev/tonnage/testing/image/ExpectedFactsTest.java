package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** Expected facts computed from assembled bytes, without a registry. */
class ExpectedFactsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE_DIGEST = "sha256:" + "b".repeat(64);

  private final PushPlan plan = new PushPlan();
  private final ImageAssembler assembler = new ImageAssembler(plan);

  @Test
  void compressedSizeIsConfigPlusLayersAndLayersKeepTheStepThatMadeThem() throws Exception {
    LayerSpec base = LayerSpec.gzip(TarArchive.builder().randomFile("bin/base", 5000, 1).build());
    LayerSpec app = LayerSpec.zstd(TarArchive.builder().randomFile("app/app.jar", 3000, 2).build());
    ImageSpec spec =
        ImageSpec.builder()
            .step("ARG VERSION")
            .layer(base, "ADD rootfs.tar /")
            .step("ENV LANG=C.UTF-8")
            .layer(app, "COPY app.jar /app/")
            .step("CMD [\"java\"]")
            .build();

    PushedManifest facts = single(assembler.image(spec, ManifestFormat.OCI));

    JsonNode manifest = JSON.readTree(plan.manifest(facts.digest()));
    long configSize = manifest.path("config").path("size").asLong();
    long layerSizes =
        manifest.path("layers").get(0).path("size").asLong()
            + manifest.path("layers").get(1).path("size").asLong();
    assertThat(facts.compressedSize()).isEqualTo(configSize + layerSizes);
    assertThat(facts.configSize()).isEqualTo(plan.blob(facts.configDigest()).length);
    assertThat(facts.layers())
        .extracting(PushedLayer::createdBy)
        .containsExactly("ADD rootfs.tar /", "COPY app.jar /app/");
    assertThat(facts.layers().get(0).mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
    assertThat(facts.layers().get(1).mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(facts.largestLayerSize())
        .isEqualTo(manifest.path("layers").get(0).path("size").asLong());
    assertThat(facts.platform()).isEqualTo(ImagePlatform.LINUX_AMD64);
  }

  @Test
  void uncompressedSizesAreTheTarLengthsWhateverTheCompression() {
    TarArchive tar =
        TarArchive.builder().randomFile("data", 10_000, 3).zeroFile("zeros", 20_000).build();
    ImageSpec spec =
        ImageSpec.builder()
            .layer(LayerSpec.gzip(tar), "gzip")
            .layer(LayerSpec.zstd(tar), "zstd")
            .layer(LayerSpec.zstdWithoutContentSize(tar), "zstd, no size")
            .layer(LayerSpec.uncompressed(tar), "tar")
            .build();

    PushedManifest facts = single(assembler.image(spec, ManifestFormat.DOCKER_V2));

    assertThat(facts.layers())
        .allSatisfy(l -> assertThat(l.uncompressedSize()).isEqualTo(tar.size()));
    assertThat(facts.uncompressedSize()).isEqualTo(4 * tar.size());
    // independent measurements of the pushed blobs agree with what was recorded
    byte[] gzip = blobOf(facts.layers().get(0));
    byte[] zstd = blobOf(facts.layers().get(1));
    assertThat(Gzip.decompressedSize(new ByteArrayInputStream(gzip))).isEqualTo(tar.size());
    assertThat(ZstdFrames.decompressedSize(zstd)).isEqualTo(tar.size());
    assertThat(facts.layers().get(3).size()).isEqualTo(tar.size());
    assertThat(facts.layers())
        .extracting(PushedLayer::mediaType)
        .containsExactly(
            MediaTypes.DOCKER_LAYER_GZIP,
            MediaTypes.DOCKER_LAYER_ZSTD,
            MediaTypes.DOCKER_LAYER_ZSTD,
            MediaTypes.DOCKER_LAYER_TAR);
  }

  @Test
  void annotationsWinOverLabelsForTheBaseImage() {
    ImageSpec spec =
        ImageSpec.builder()
            .layer(LayerSpec.gzipFile("a", "a"), "RUN a")
            .baseImage(
                "docker.io/library/alpine:3.20",
                BASE_DIGEST,
                BaseImageSource.ANNOTATIONS_AND_LABELS)
            .build();

    PushedManifest facts = single(assembler.image(spec, ManifestFormat.OCI));

    assertThat(facts.baseImage())
        .isEqualTo(
            new DeclaredBaseImage("docker.io/library/alpine:3.20", BASE_DIGEST, "annotation"));
    assertThat(facts.labels()).containsEntry(ImageSpec.BASE_NAME, "docker.io/library/alpine:3.20");
  }

  @Test
  void dockerImagesDeclareTheirBaseImageInLabels() {
    ImageSpec spec =
        ImageSpec.builder()
            .layer(LayerSpec.gzipFile("a", "a"), "RUN a")
            .baseImage("debian:12", BASE_DIGEST, BaseImageSource.LABELS)
            .build();

    PushedManifest facts = single(assembler.image(spec, ManifestFormat.DOCKER_V2));

    assertThat(facts.baseImage())
        .isEqualTo(new DeclaredBaseImage("debian:12", BASE_DIGEST, "label"));
  }

  @Test
  void dockerManifestsRefuseAnnotations() {
    ImageSpec spec =
        ImageSpec.builder()
            .baseImage("debian:12", BASE_DIGEST, BaseImageSource.ANNOTATIONS)
            .build();

    assertThatThrownBy(() -> assembler.image(spec, ManifestFormat.DOCKER_V2))
        .hasMessageContaining("Docker schema2 manifests carry no annotations");
  }

  @Test
  void anIndexListsPlatformsWithVariantsAndSetsAttestationsApart() throws Exception {
    IndexSpec index =
        IndexSpec.builder(ManifestFormat.OCI)
            .image(
                ImageSpec.builder()
                    .platform("linux/amd64")
                    .layer(LayerSpec.gzipFile("a", "1"), "A")
                    .build())
            .image(
                ImageSpec.builder()
                    .platform("linux/arm/v7")
                    .layer(LayerSpec.gzipFile("a", "2"), "B")
                    .build())
            .image(
                ImageSpec.builder()
                    .platform("linux/arm64/v8")
                    .layer(LayerSpec.gzipFile("a", "3"), "C")
                    .build())
            .withAttestations()
            .build();

    ImageAssembler.Assembled top = assembler.index(index, "127.0.0.1:5000/multi");
    PushedImage facts =
        ExpectedFacts.compute(
            "127.0.0.1:5000", "multi", "1", top.digest(), top.mediaType(), top.content(), plan);

    assertThat(facts.isIndex()).isTrue();
    assertThat(facts.manifests())
        .extracting(m -> m.platform().toString())
        .containsExactly("linux/amd64", "linux/arm/v7", "linux/arm64/v8");
    assertThat(facts.attestations()).hasSize(3);
    assertThat(facts.attestations())
        .allSatisfy(
            a -> {
              assertThat(a.platform()).isEqualTo(ImagePlatform.UNKNOWN);
              assertThat(a.layers())
                  .singleElement()
                  .extracting(PushedLayer::mediaType)
                  .isEqualTo(MediaTypes.IN_TOTO);
            });
    JsonNode attestationEntry = JSON.readTree(top.content()).path("manifests").get(3);
    assertThat(attestationEntry.path("annotations").path("vnd.docker.reference.digest").asText())
        .isEqualTo(facts.manifests().get(0).digest());
    assertThat(facts.platform("linux/arm/v7").layers().get(0).createdBy()).isEqualTo("B");
  }

  @Test
  void manifestsWithoutMediaTypeFieldStillHaveTheirMediaType() throws Exception {
    ImageAssembler.Assembled top =
        assembler.image(ImageSpec.singleLayer("a", "a"), ManifestFormat.OCI_WITHOUT_MEDIA_TYPE);

    assertThat(JSON.readTree(top.content()).has("mediaType")).isFalse();
    assertThat(single(top).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void foreignLayersAreMeasuredButNotUploaded() {
    LayerSpec foreign =
        LayerSpec.foreign(TarArchive.ofFile("win", "x"), "https://example.invalid/l.tgz");

    PushedManifest facts =
        single(
            assembler.image(
                ImageSpec.builder().layer(foreign, "ADD").build(), ManifestFormat.DOCKER_V2));

    PushedLayer layer = facts.layers().get(0);
    assertThat(layer.isForeign()).isTrue();
    assertThat(layer.mediaType()).isEqualTo(MediaTypes.DOCKER_FOREIGN_LAYER);
    assertThat(layer.urls()).containsExactly("https://example.invalid/l.tgz");
    assertThat(plan.blobs()).extracting(Blob::digest).doesNotContain(layer.digest());
  }

  @Test
  void historyWithoutCreatedByOrWithoutHistoryGivesNoCreator() {
    PushedManifest facts =
        single(
            assembler.image(
                ImageSpec.builder().layer(LayerSpec.gzipFile("a", "a")).withoutHistory().build(),
                ManifestFormat.OCI));

    assertThat(facts.layers().get(0).createdBy()).isNull();
  }

  @Test
  void helmChartsHaveNoPlatform() {
    ImageAssembler.Assembled top = assembler.artifact(ArtifactSpec.helmChart("demo", "1.2.3"));

    PushedManifest facts = single(top);

    assertThat(facts.platform()).isNull();
    assertThat(facts.configMediaType()).isEqualTo(MediaTypes.HELM_CONFIG);
    assertThat(facts.layers())
        .singleElement()
        .extracting(PushedLayer::mediaType)
        .isEqualTo(MediaTypes.HELM_CHART_LAYER);
  }

  private PushedManifest single(ImageAssembler.Assembled top) {
    return ExpectedFacts.compute(
            "127.0.0.1:5000", "app", "1", top.digest(), top.mediaType(), top.content(), plan)
        .single();
  }

  private byte[] blobOf(PushedLayer layer) {
    return plan.blobs().stream()
        .filter(b -> b.digest().equals(layer.digest()))
        .findFirst()
        .orElseThrow()
        .bytes();
  }
}
