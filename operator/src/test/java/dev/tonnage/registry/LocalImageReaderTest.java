package dev.tonnage.registry;

import static dev.tonnage.registry.LocalImageFixtures.gzip;
import static dev.tonnage.registry.LocalImageFixtures.sha256;
import static dev.tonnage.registry.LocalImageFixtures.tar;
import static dev.tonnage.registry.LocalImageFixtures.tarOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.registry.LocalImageFixtures.Image;
import dev.tonnage.registry.LocalImageFixtures.Layout;
import dev.tonnage.registry.LocalImageFixtures.TarEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading layouts and archives that were tampered with or written to attack the reader. */
class LocalImageReaderTest {

  private static final ImageReference REF = ImageReference.parse("local.invalid/oci/app:latest");
  private static final byte[] LAYER = "hello layer\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private ImageFacts read(String text) throws RegistryException {
    LocalImage image = LocalImage.parse(text).orElseThrow();
    return LocalImageReader.read(image, REF, true, Instant.now().plus(Duration.ofMinutes(1)));
  }

  private Path write(String name, byte[] content) throws Exception {
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void aLayoutsImageHasItsDescriptorsSizesAndTheExactStreamedUncompressedSize() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", "v1");

    ImageFacts facts = read("oci:" + layout.root + ":v1");

    assertThat(facts.digest()).isEqualTo(image.manifestDigest());
    PlatformFacts platform = facts.platforms().get(0);
    assertThat(platform.platform()).isEqualTo(Platform.parse("linux/arm64"));
    assertThat(platform.compressedSize()).isEqualTo(image.compressedSize());
    assertThat(platform.uncompressedSize()).isEqualTo(UncompressedSize.exact(LAYER.length, "sum"));
    assertThat(platform.layers().get(0).uncompressedSize().source()).isEqualTo("stream");
    assertThat(platform.layers().get(0).createdBy()).isEqualTo("COPY app /app");
    assertThat(platform.baseImage().name()).isEqualTo("index.docker.io/library/alpine:3.20");
  }

  @Test
  void theTarOfALayoutGivesTheSameFactsAsTheDirectory() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    layout.image(LAYER, "COPY app /app", null);
    Path archive = write("app.tar", tarOf(layout.root));

    assertThat(read("oci-archive:" + archive)).isEqualTo(read("oci:" + layout.root));
  }

  @Test
  void aLayoutWithSeveralImagesAndNoTagNamesTheChoices() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    layout.image(LAYER, "one", "a");
    layout.image("other".getBytes(StandardCharsets.UTF_8), "two", "b");

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("holds 2 images")
        .hasMessageContaining("\"a\", \"b\"");
    assertThatThrownBy(() -> read("oci:" + layout.root + ":c"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("has no image named \"c\"");
    assertThat(read("oci:" + layout.root + ":b").platforms().get(0).layers().get(0).createdBy())
        .isEqualTo("two");
  }

  @Test
  void aTarEntryClimbingOutWithDotDotRefusesTheArchive() throws Exception {
    Path archive =
        write(
            "evil.tar",
            tar(
                List.of(
                    TarEntry.file("index.json", "{}".getBytes(StandardCharsets.UTF_8)),
                    TarEntry.file("../../etc/cron.d/evil", new byte[10]))));

    assertThatThrownBy(() -> read("oci-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("path traversal");
  }

  @Test
  void anAbsoluteTarEntryNameRefusesTheArchive() throws Exception {
    Path archive = write("evil.tar", tar(List.of(TarEntry.file("/index.json", new byte[2]))));

    assertThatThrownBy(() -> read("oci-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("absolute name");
  }

  @Test
  void aTarSymlinkPointingOutOfTheArchiveRefusesIt() throws Exception {
    Path archive =
        write(
            "evil.tar",
            tar(
                List.of(
                    TarEntry.symlink("blobs/sha256/" + "a".repeat(64), "../../../etc/shadow"))));

    assertThatThrownBy(() -> read("oci-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("outside the archive");
  }

  @Test
  void aLayoutBlobLinkedToAFileOutsideTheLayoutIsNotRead() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", null);
    Path secret = write("secret", Files.readAllBytes(layout.file(image.configDigest())));
    Files.delete(layout.file(image.configDigest()));
    Files.createSymbolicLink(layout.file(image.configDigest()), secret);

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("outside the layout");
  }

  @Test
  void aMissingLayerBlobIsNamed() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", null);
    Files.delete(layout.file(image.layerDigest()));

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("layer " + image.layerDigest())
        .hasMessageContaining("is missing");
  }

  @Test
  void aConfigWhoseContentDoesNotMatchItsDigestIsRefused() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", null);
    Path config = layout.file(image.configDigest());
    String tampered = Files.readString(config).replace("arm64", "amd64");
    Files.writeString(config, tampered);

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("has digest " + sha256(tampered.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("but " + image.configDigest() + " is expected");
  }

  @Test
  void aLayerAlteredWithoutChangingItsSizeFailsItsDigestWhenStreamed() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", null);
    byte[] other = Files.readAllBytes(layout.file(image.layerDigest()));
    other[4] ^= 1; // the gzip header's MTIME: still a valid gzip of the same content
    Files.write(layout.file(image.layerDigest()), other);

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("has digest " + sha256(other))
        .hasMessageContaining("but " + image.layerDigest() + " is expected");
  }

  @Test
  void anIndexOfThousandsOfEntriesIsRefusedBeforeItIsBound() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    String entry =
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
            + "b".repeat(64)
            + "\",\"size\":10}";
    Files.writeString(
        layout.root.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":["
            + String.join(",", java.util.Collections.nCopies(5000, entry))
            + "]}");

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("5000 entries; Tonnage reads at most 256");
  }

  @Test
  void anIndexJsonOverTheManifestCapIsNotRead() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Files.write(layout.root.resolve("index.json"), new byte[(int) CappedBody.MANIFEST_CAP + 1]);

    assertThatThrownBy(() -> read("oci:" + layout.root))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("Tonnage reads at most " + CappedBody.MANIFEST_CAP);
  }

  @Test
  void anArchiveOfMoreEntriesThanTheCapIsRefused() throws Exception {
    List<TarEntry> entries = new ArrayList<>();
    for (int i = 0; i <= TarEntries.MAX_ENTRIES; i++) {
      entries.add(TarEntry.directory("d" + i + "/"));
    }
    Path archive = write("many.tar", tar(entries));

    assertThatThrownBy(() -> read("oci-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("more than " + TarEntries.MAX_ENTRIES + " entries");
  }

  @Test
  void aCompressedArchiveIsRefusedAsNotATar() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    layout.image(LAYER, "COPY app /app", null);
    Path archive = write("app.tar.gz", gzip(tarOf(layout.root)));

    assertThatThrownBy(() -> read("docker-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("not an uncompressed tar archive");
  }

  @Test
  void aMissingArchiveIsNotFound() {
    assertThatThrownBy(() -> read("docker-archive:" + dir.resolve("none.tar")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aLegacyDockerSaveArchiveFollowsItsLinkedRepeatedLayer() throws Exception {
    byte[] layer = "layer tar bytes".repeat(100).getBytes(StandardCharsets.UTF_8);
    String diffId = sha256(layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + diffId
                + "\",\""
                + diffId
                + "\"]},\"history\":[{\"created_by\":\"ADD a /\"},{\"created_by\":\"ADD a /b\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    String configFile = sha256(config).substring(7) + ".json";
    byte[] manifest =
        ("[{\"Config\":\""
                + configFile
                + "\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"one/layer.tar\",\"two/layer.tar\"]}]")
            .getBytes(StandardCharsets.UTF_8);
    Path archive =
        write(
            "saved.tar",
            tar(
                List.of(
                    TarEntry.file("manifest.json", manifest),
                    TarEntry.file(configFile, config),
                    TarEntry.file("one/layer.tar", layer),
                    TarEntry.symlink("two/layer.tar", "../one/layer.tar"))));

    ImageFacts facts = read("docker-archive:" + archive);

    assertThat(facts.digest()).isEqualTo(sha256(config));
    PlatformFacts platform = facts.platforms().get(0);
    assertThat(platform.layers()).extracting(LayerFacts::digest).containsExactly(diffId, diffId);
    assertThat(platform.layers())
        .extracting(LayerFacts::createdBy)
        .containsExactly("ADD a /", "ADD a /b");
    assertThat(platform.uncompressedSize().bytes()).isEqualTo(2L * layer.length);
    assertThat(platform.uncompressedSize().exact()).isTrue();
  }

  @Test
  void aDockerSaveOfDocker25IsReadThroughTheOciLayoutInsideIt() throws Exception {
    Layout layout = new Layout(dir.resolve("layout"));
    Image image = layout.image(LAYER, "COPY app /app", "app:1");
    Files.writeString(
        layout.root.resolve("manifest.json"),
        "[{\"Config\":\"blobs/sha256/"
            + image.configDigest().substring(7)
            + "\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"blobs/sha256/"
            + image.layerDigest().substring(7)
            + "\"]}]");
    Path archive = write("saved.tar", tarOf(layout.root));

    ImageFacts facts = read("docker-archive:" + archive);

    assertThat(facts.digest()).isEqualTo(image.manifestDigest());
    assertThat(facts.platforms().get(0).compressedSize()).isEqualTo(image.compressedSize());
    assertThat(facts.platforms().get(0).uncompressedSize().bytes()).isEqualTo(LAYER.length);
  }

  @Test
  void aDockerSaveLayerThatIsNotItsDiffIdIsRefused() throws Exception {
    byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
    byte[] config =
        ("{\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"sha256:" + "c".repeat(64) + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Path archive =
        write(
            "saved.tar",
            tar(
                List.of(
                    TarEntry.file(
                        "manifest.json",
                        "[{\"Config\":\"c.json\",\"Layers\":[\"l.tar\"]}]"
                            .getBytes(StandardCharsets.UTF_8)),
                    TarEntry.file("c.json", config),
                    TarEntry.file("l.tar", layer))));

    assertThatThrownBy(() -> read("docker-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("must be the uncompressed tar its diff_id names");
  }

  @Test
  void aDockerSaveConfigNamedOutsideTheArchiveIsRefused() throws Exception {
    Path archive =
        write(
            "saved.tar",
            tar(
                List.of(
                    TarEntry.file(
                        "manifest.json",
                        "[{\"Config\":\"../../etc/passwd\",\"Layers\":[]}]"
                            .getBytes(StandardCharsets.UTF_8)))));

    assertThatThrownBy(() -> read("docker-archive:" + archive))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("path traversal");
  }
}
