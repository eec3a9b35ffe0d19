package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Images made by umoci and pushed by skopeo: manifests our own writer did not produce. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class SkopeoUmociIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryServer registry;

  @AfterEach
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RegistryMode.class)
  void umociImageCopiedBySkopeoAsOciAndAsDockerV2(RegistryMode mode) throws Exception {
    registry = RegistryServer.start(mode);
    OciLayoutImage image =
        OciLayoutImage.builder()
            .platform("linux/arm64")
            .layer(Map.of("etc/motd", "hello\n"), "COPY motd /etc/motd")
            .layer(Map.of("app/run.sh", "#!/bin/sh\necho run\n"), "COPY run.sh /app/")
            .label("org.opencontainers.image.base.name", "docker.io/library/busybox:1.36")
            .build();

    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage oci = images.pushWithSkopeo("umoci/app:oci", image, false);
      PushedImage docker = images.pushWithSkopeo("umoci/app:v2s2", image, true);

      assertThat(oci.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(JSON.readTree(images.skopeoInspectRaw("umoci/app:oci")).has("mediaType"))
          .as("umoci writes no top-level mediaType")
          .isFalse();
      assertThat(docker.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      for (PushedImage pushed : new PushedImage[] {oci, docker}) {
        PushedManifest facts = pushed.single();
        assertThat(facts.platform().toString()).isEqualTo("linux/arm64");
        assertThat(facts.layers())
            .extracting(PushedLayer::createdBy)
            .containsExactly("COPY motd /etc/motd", "COPY run.sh /app/");
        assertThat(facts.baseImage().name()).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(facts.layers())
            .allSatisfy(l -> assertThat(l.uncompressedSize()).isGreaterThan(l.size()));
        JsonNode raw = JSON.readTree(images.skopeoInspectRaw(pushed.reference()));
        assertThat(raw.path("config").path("digest").asText()).isEqualTo(facts.configDigest());
        assertThat(raw)
            .isEqualTo(
                JSON.readTree(images.client().manifest("umoci/app", pushed.tag()).content()));
      }
    }
  }
}
