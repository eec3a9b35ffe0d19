package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ArtifactSpec;
import dev.tonnage.testing.image.BaseImageSource;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.IndexSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.image.OciLayoutImage;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.PushedLayer;
import dev.tonnage.testing.image.PushedManifest;
import dev.tonnage.testing.image.Skopeo;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry engine against a real distribution registry in one mode: every kind of image the
 * fixtures build must yield exactly the facts computed from the pushed bytes, and compressed sizes
 * must agree with what {@code skopeo inspect --raw} reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
abstract class RegistryModeContract {

  private static final String BASE_DIGEST = "sha256:" + "b".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper();

  RegistryServer registry;
  ImageBuilder images;
  RegistryClient client;
  final List<PushedImage> fixtures = new ArrayList<>();
  PushedImage chart;
  PushedImage base;
  PushedImage onBase;

  abstract RegistryMode mode();

  @BeforeAll
  void pushFixtures() {
    registry = RegistryServer.start(mode());
    images = ImageBuilder.forRegistry(registry);
    LayerSpec shared = LayerSpec.gzipFile("etc/os-release", "ID=tonnage-test\n");
    fixtures.add(images.push("oci/single:1", ImageSpec.singleLayer("hello.txt", "hello")));
    fixtures.add(
        images.push(
            "docker/app:1",
            ManifestFormat.DOCKER_V2,
            ImageSpec.builder()
                .layer(shared, "ADD os-release /etc/")
                .step("ENV A=1")
                .layer(LayerSpec.uncompressed(TarArchive.ofFile("app", "binary")), "COPY app /")
                .label("org.opencontainers.image.title", "app")
                .baseImage("docker.io/library/debian:12", BASE_DIGEST, BaseImageSource.LABELS)
                .build()));
    fixtures.add(
        images.push(
            "oci/bare:1",
            ManifestFormat.OCI_WITHOUT_MEDIA_TYPE,
            ImageSpec.singleLayer("a", "bare")));
    fixtures.add(
        images.push(
            "oci/annotated:1",
            ImageSpec.builder()
                .layer(LayerSpec.gzipFile("x", "annotated"), "RUN make")
                .baseImage("alpine:3.19", BASE_DIGEST, BaseImageSource.ANNOTATIONS_AND_LABELS)
                .build()));
    fixtures.add(
        images.push(
            "multi/oci:1",
            IndexSpec.builder(ManifestFormat.OCI)
                .image(platformImage("linux/amd64"))
                .image(platformImage("linux/arm/v7"))
                .image(platformImage("linux/arm64/v8"))
                .withAttestations()
                .build()));
    fixtures.add(
        images.push(
            "multi/docker:1",
            IndexSpec.builder(ManifestFormat.DOCKER_V2)
                .image(platformImage("linux/amd64"))
                .image(platformImage("linux/arm/v7"))
                .build()));
    TarArchive data = TarArchive.builder().randomFile("data", 200_000, 4).build();
    fixtures.add(
        images.push(
            "layers/compression:1",
            ImageSpec.builder()
                .layer(LayerSpec.gzip(data), "ADD data gzip")
                .layer(LayerSpec.zstd(data), "ADD data zstd")
                .layer(LayerSpec.uncompressed(data), "ADD data tar")
                .build()));
    fixtures.add(
        images.push(
            "layers/streamed-zstd:1",
            ImageSpec.builder()
                .layer(LayerSpec.zstdWithoutContentSize(data), "ADD data streamed")
                .build()));
    fixtures.add(
        images.push(
            "layers/annotated-size:1",
            ImageSpec.builder()
                .layer(
                    LayerSpec.gzipFile("y", "declared")
                        .withAnnotation("io.containerd.uncompressed-size", "2048"),
                    "ADD y")
                .build()));
    fixtures.add(
        images.push(
            "layers/foreign:1",
            ManifestFormat.DOCKER_V2,
            ImageSpec.builder()
                .layer(
                    LayerSpec.foreign(
                        TarArchive.ofFile("windows", "base"), "https://foreign.example/layer"),
                    "foreign base")
                .layer(LayerSpec.gzipFile("z", "own"), "ADD z")
                .build()));
    fixtures.add(
        images.pushWithSkopeo(
            "skopeo/oci:1",
            OciLayoutImage.builder().layer(Map.of("etc/a", "umoci"), "ADD a").build(),
            false));
    fixtures.add(
        images.pushWithSkopeo(
            "skopeo/docker:1",
            OciLayoutImage.builder()
                .layer(Map.of("etc/b", "skopeo"), "ADD b")
                .label("org.opencontainers.image.version", "1.0")
                .build(),
            true));
    chart = images.push("charts/demo:0.1.0", ArtifactSpec.helmChart("demo", "0.1.0"));
    base =
        images.push("base/os:1", ImageSpec.builder().layer(shared, "ADD os-release /etc/").build());
    onBase =
        images.push(
            "app/on-base:1",
            ImageSpec.builder()
                .layer(shared, "ADD os-release /etc/")
                .layer(LayerSpec.gzipFile("srv/app", "on base"), "COPY app /srv/")
                .build());
    client = new RegistryClient(config());
  }

  @AfterAll
  void stopRegistry() {
    if (client != null) {
      client.close();
    }
    if (images != null) {
      images.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static ImageSpec platformImage(String platform) {
    return ImageSpec.builder()
        .platform(platform)
        .layer(LayerSpec.gzipFile("bin/app", "built for " + platform), "RUN build " + platform)
        .build();
  }

  RegistryClientConfig config() {
    RegistryClientConfig.Builder config = RegistryClientConfig.builder();
    if (mode().usesTls()) {
      config.caBundles(List.of(registry.caCertificateFile()));
    } else {
      config.insecureRegistries(Set.of(registry.hostPort()));
    }
    return config.build();
  }

  InspectRequest request() {
    RegistryCredentials credentials =
        mode().requiresCredentials()
            ? host ->
                host.equals(registry.hostPort())
                    ? Optional.of(Credential.basic(registry.username(), registry.password()))
                    : Optional.empty()
            : RegistryCredentials.anonymous();
    return InspectRequest.of(credentials, Duration.ofSeconds(30));
  }

  ImageFacts inspect(String reference, InspectRequest request) throws RegistryException {
    return client.inspectNow(ImageReference.parse(reference), request);
  }

  @Test
  void factsEqualTheFactsComputedFromThePushedBytes() throws Exception {
    for (PushedImage pushed : fixtures) {
      ImageFacts facts = inspect(pushed.reference(), request().withUncompressed(true));
      assertFactsMatch(pushed, facts);
      ImageFacts byDigest = inspect(pushed.digestReference(), request());
      assertThat(byDigest.platforms()).as(pushed.digestReference()).isEqualTo(facts.platforms());
    }
  }

  @Test
  void compressedSizesAgreeWithSkopeoInspectRaw() throws Exception {
    Skopeo skopeo = new Skopeo(Binaries.fromEnvironment(), registry);
    for (PushedImage pushed : fixtures) {
      ImageFacts facts = inspect(pushed.reference(), request());
      for (PlatformFacts platform : facts.platforms()) {
        String ref =
            registry.hostPort() + "/" + pushed.repository() + "@" + platform.manifestDigest();
        JsonNode raw = JSON.readTree(skopeo.inspectRaw(ref));
        long size = raw.path("config").path("size").asLong();
        long largest = 0;
        for (JsonNode layer : raw.path("layers")) {
          size += layer.path("size").asLong();
          largest = Math.max(largest, layer.path("size").asLong());
        }
        assertThat(platform.compressedSize()).as(ref).isEqualTo(size);
        assertThat(platform.largestLayerSize()).as(ref).isEqualTo(largest);
        assertThat(platform.layerCount()).as(ref).isEqualTo(raw.path("layers").size());
      }
    }
  }

  @Test
  void aHelmChartIsNotAnImage() {
    assertThatThrownBy(() -> inspect(chart.reference(), request()))
        .isInstanceOf(NotAnImageException.class)
        .hasMessageContaining("not a container image");
  }

  @Test
  void aMissingTagIsNotFound() {
    assertThatThrownBy(() -> inspect(registry.hostPort() + "/oci/single:missing", request()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(registry.hostPort() + "/oci/single");
  }

  @Test
  void aBaseImageIsFoundByLayerPrefix() throws Exception {
    ImageFacts facts =
        inspect(
            onBase.reference(),
            request().withCandidateBases(List.of(ImageReference.parse(base.reference()))));
    assertThat(facts.platforms().get(0).baseImage())
        .isEqualTo(
            new BaseImage(
                ImageReference.parse(base.reference()).toString(),
                base.single().digest(),
                BaseImage.Source.LAYER_PREFIX));
  }

  static void assertFactsMatch(PushedImage pushed, ImageFacts facts) {
    String what = pushed.reference();
    assertThat(facts.digest()).as(what).isEqualTo(pushed.digest());
    assertThat(facts.mediaType()).as(what).isEqualTo(pushed.mediaType());
    assertThat(facts.platforms()).as(what).hasSize(pushed.manifests().size());
    for (int i = 0; i < pushed.manifests().size(); i++) {
      PushedManifest expected = pushed.manifests().get(i);
      PlatformFacts actual = facts.platforms().get(i);
      String where = what + " " + expected.digest();
      assertThat(actual.platform())
          .as(where)
          .isEqualTo(Platform.parse(expected.platform().toString()));
      assertThat(actual.manifestDigest()).as(where).isEqualTo(expected.digest());
      assertThat(actual.configDigest()).as(where).isEqualTo(expected.configDigest());
      assertThat(actual.compressedSize()).as(where).isEqualTo(expected.compressedSize());
      assertThat(actual.layerCount()).as(where).isEqualTo(expected.layerCount());
      assertThat(actual.largestLayerSize()).as(where).isEqualTo(expected.largestLayerSize());
      assertThat(actual.labels()).as(where).isEqualTo(ociLabels(expected.labels()));
      if (expected.baseImage() == null) {
        assertThat(actual.baseImage()).as(where).isNull();
      } else {
        assertThat(actual.baseImage().name())
            .as(where)
            .isEqualTo(ImageReference.parse(expected.baseImage().name()).toString());
        assertThat(actual.baseImage().digest()).as(where).isEqualTo(expected.baseImage().digest());
        assertThat(actual.baseImage().source())
            .as(where)
            .isEqualTo(
                expected.baseImage().source().equals("annotation")
                    ? BaseImage.Source.MANIFEST_ANNOTATION
                    : BaseImage.Source.CONFIG_LABEL);
      }
      boolean allKnown = true;
      for (int l = 0; l < expected.layers().size(); l++) {
        PushedLayer layer = expected.layers().get(l);
        LayerFacts got = actual.layers().get(l);
        String at = where + " layer " + l;
        assertThat(got.digest()).as(at).isEqualTo(layer.digest());
        assertThat(got.mediaType()).as(at).isEqualTo(layer.mediaType());
        assertThat(got.size()).as(at).isEqualTo(layer.size());
        assertThat(got.createdBy()).as(at).isEqualTo(layer.createdBy());
        UncompressedSize size = got.uncompressedSize();
        boolean unknowable =
            layer.isForeign() || pushed.repository().equals("layers/streamed-zstd");
        if (unknowable) {
          allKnown = false;
          assertThat(size).as(at).isNull();
        } else if (size.exact()) {
          assertThat(size.bytes()).as(at).isEqualTo(layer.uncompressedSize());
        } else {
          assertThat(layer.uncompressedSize()).as(at).isBetween(size.minBytes(), size.maxBytes());
        }
      }
      if (allKnown) {
        assertThat(actual.uncompressedSize().minBytes())
            .as(where)
            .isLessThanOrEqualTo(expected.uncompressedSize());
        assertThat(actual.uncompressedSize().maxBytes())
            .as(where)
            .isGreaterThanOrEqualTo(expected.uncompressedSize());
      } else {
        assertThat(actual.uncompressedSize()).as(where).isNull();
      }
    }
  }

  private static Map<String, String> ociLabels(Map<String, String> labels) {
    Map<String, String> picked = new TreeMap<>();
    labels.forEach(
        (k, v) -> {
          if (k.startsWith("org.opencontainers.image.")) {
            picked.put(k, v);
          }
        });
    return picked;
  }
}
