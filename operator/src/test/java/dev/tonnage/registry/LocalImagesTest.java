package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Naming local images: the three prefixes, their TAG, and the stand-in references. */
class LocalImagesTest {

  @Test
  void theThreePrefixesNameALayoutAnArchiveAndADockerSave() {
    assertThat(LocalImage.parse("oci:/build/layout:v1"))
        .contains(new LocalImage(LocalImage.Transport.OCI, Path.of("/build/layout"), "v1"));
    assertThat(LocalImage.parse("oci:build/layout"))
        .contains(new LocalImage(LocalImage.Transport.OCI, Path.of("build/layout"), null));
    assertThat(LocalImage.parse("oci-archive:/tmp/app.tar"))
        .contains(new LocalImage(LocalImage.Transport.OCI_ARCHIVE, Path.of("/tmp/app.tar"), null));
    assertThat(LocalImage.parse("docker-archive:/tmp/a:b.tar"))
        .contains(
            new LocalImage(LocalImage.Transport.DOCKER_ARCHIVE, Path.of("/tmp/a:b.tar"), null));
  }

  @Test
  void aColonInsideAPathIsNotATag() {
    assertThat(LocalImage.parse("oci:/mnt/c:/layout"))
        .contains(new LocalImage(LocalImage.Transport.OCI, Path.of("/mnt/c:/layout"), null));
  }

  @Test
  void registryReferencesAreNotLocal() {
    assertThat(LocalImage.parse("nginx:1.27")).isEmpty();
    assertThat(LocalImage.parse("ghcr.io/oci/app:1")).isEmpty();
  }

  @Test
  void aPrefixWithNothingAfterItIsRefused() {
    assertThatThrownBy(() -> LocalImage.parse("oci:"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("oci:DIR[:TAG]");
    assertThatThrownBy(() -> LocalImage.parse("oci:dir:"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("TAG after the last ':' is empty");
    assertThatThrownBy(() -> LocalImage.parse("docker-archive:" + "a".repeat(10_000)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("characters long");
  }

  @Test
  void standInsAreInTheReservedRegistryUniqueAndStable() {
    LocalImages locals = new LocalImages();

    ImageReference layout = locals.reference("oci:/build/My Layout:v1.2");
    ImageReference other = locals.reference("oci:/elsewhere/my-layout:v1.2");
    ImageReference archive = locals.reference("docker-archive:/tmp/app.tar");

    assertThat(layout).hasToString("local.invalid/oci/my-layout:v1.2");
    assertThat(other).hasToString("local.invalid/oci/my-layout-2:v1.2");
    assertThat(archive).hasToString("local.invalid/docker-archive/app-tar:latest");
    assertThat(locals.reference("oci:/build/My Layout:v1.2")).isEqualTo(layout);
    assertThat(locals.judgedAs("docker-archive:/tmp/app.tar")).isEqualTo(archive.toString());
    assertThat(locals.judgedAs("nginx:1.27")).isEqualTo("nginx:1.27");
    assertThat(locals.reference("nginx:1.27")).hasToString("index.docker.io/library/nginx:1.27");
  }

  @Test
  void theReservedRegistryCannotBeNamedDirectly() {
    assertThatThrownBy(() -> new LocalImages().reference("local.invalid/oci/app:1"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("reserved for images read from files");
  }
}
