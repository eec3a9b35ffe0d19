package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tonnage.policy.PlatformDiff.LayerChange;
import dev.tonnage.policy.PlatformDiff.LayerStatus;
import dev.tonnage.policy.PlatformDiff.StepChange;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.LayerFacts;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.PlatformFacts;
import dev.tonnage.registry.UncompressedSize;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDiffTest {

  static LayerFacts layer(String id, long size, String createdBy) {
    return new LayerFacts(
        "sha256:" + id.repeat(64 / id.length()),
        "application/vnd.oci.image.layer.v1.tar+gzip",
        size,
        UncompressedSize.exact(size * 2, "gzip-trailer"),
        createdBy);
  }

  static final LayerFacts BASE = layer("a", 5 * MIB, "/bin/sh -c #(nop) ADD file:abc in / ");
  static final LayerFacts APT_SMALL =
      layer("b", 2 * MIB, "/bin/sh -c apt-get install -y --no-install-recommends curl");
  static final LayerFacts APT_BIG =
      layer("c", 9 * MIB, "/bin/sh -c apt-get install -y --no-install-recommends curl");
  static final LayerFacts APP_V1 = layer("d", MIB, "COPY app /app # buildkit");
  static final LayerFacts APP_V2 = layer("e", MIB / 2, "COPY app /app # buildkit");
  static final LayerFacts PIP = layer("f", 3 * MIB, "RUN /bin/sh -c pip install numpy");

  @Test
  void alignsLayersByPositionAndDigestAndNamesTheStepsThatWereAddedOrGrew() {
    PlatformFacts before =
        Fixtures.withLayers("linux/amd64", List.of(BASE, APT_SMALL, APP_V1), null);
    PlatformFacts after =
        Fixtures.withLayers("linux/amd64", List.of(BASE, APT_BIG, APP_V2, PIP), null);

    PlatformDiff diff = PlatformDiff.of(before, after);

    assertThat(diff.layers())
        .extracting(LayerChange::status)
        .containsExactly(
            LayerStatus.SHARED, LayerStatus.REPLACED, LayerStatus.REPLACED, LayerStatus.ADDED);
    assertThat(diff.layers().get(1).grew()).isTrue();
    assertThat(diff.layers().get(2).grew()).isFalse();
    assertThat(diff.compressedDelta()).isEqualTo(7 * MIB - MIB / 2 + 3 * MIB);
    assertThat(diff.uncompressedDelta()).isEqualTo(2 * diff.compressedDelta());
    assertThat(diff.uncompressedExact()).isTrue();
    assertThat(diff.layerCountDelta()).isEqualTo(1);
    // COPY app shrank: not listed. The apt step grew by 7 MiB, pip was added with 3 MiB.
    assertThat(diff.steps())
        .extracting(s -> s.step().text(), StepChange::added, StepChange::delta)
        .containsExactly(
            tuple("RUN apt-get install -y --no-install-recommends curl", false, 7 * MIB),
            tuple("RUN pip install numpy", true, 3 * MIB));
    assertThat(diff.stepsSentence(3))
        .isEqualTo(
            "grew RUN apt-get install -y --no-install-recommends curl (+7 MiB);"
                + " added RUN pip install numpy (+3 MiB)");
  }

  @Test
  void aLayerDroppedFromTheMiddleIsRemovedAndTheLayersAfterItStayShared() {
    PlatformFacts before =
        Fixtures.withLayers("linux/amd64", List.of(BASE, APP_V1, APT_SMALL), null);
    PlatformFacts after = Fixtures.withLayers("linux/amd64", List.of(BASE, APT_SMALL), null);

    PlatformDiff diff = PlatformDiff.of(before, after);

    assertThat(diff.layers())
        .extracting(LayerChange::status)
        .containsExactly(LayerStatus.SHARED, LayerStatus.REMOVED, LayerStatus.SHARED);
    assertThat(diff.layers()).extracting(LayerChange::position).containsExactly(0, -1, 1);
    assertThat(diff.count(LayerStatus.REMOVED)).isEqualTo(1);
    assertThat(diff.steps()).isEmpty();
    assertThat(diff.compressedDelta()).isEqualTo(-MIB);
  }

  @Test
  void aLayerMovedToAnotherPositionIsSharedOnceAndNeverCountsAsGrowth() {
    PlatformFacts before = Fixtures.withLayers("linux/amd64", List.of(BASE, PIP, APP_V1), null);
    PlatformFacts after = Fixtures.withLayers("linux/amd64", List.of(BASE, APP_V1, PIP), null);

    PlatformDiff diff = PlatformDiff.of(before, after);

    assertThat(diff.layers())
        .extracting(LayerChange::status, LayerChange::position)
        .containsExactly(
            tuple(LayerStatus.SHARED, 0),
            tuple(LayerStatus.SHARED, 1),
            tuple(LayerStatus.SHARED, 2));
    assertThat(diff.steps()).isEmpty();
  }

  @Test
  void comparesOnlyThePlatformsBothImagesOfferAndNamesTheRest() {
    PlatformFacts amd = Fixtures.withLayers("linux/amd64", List.of(BASE), null);
    PlatformFacts arm = Fixtures.withLayers("linux/arm64", List.of(BASE), null);
    PlatformFacts s390 = Fixtures.withLayers("linux/s390x", List.of(BASE, PIP), null);
    PlatformFacts attestation = Fixtures.withLayers("unknown/unknown", List.of(PIP), null);
    ImageFacts before = Fixtures.image("ghcr.io/acme/app:1", amd, arm, attestation);
    ImageFacts after = Fixtures.image("ghcr.io/acme/app:2", s390, amd, attestation);

    ImageDiff diff = ImageDiff.of(before, after);

    assertThat(diff.platforms()).extracting(PlatformDiff::platform).containsExactly(amd.platform());
    assertThat(diff.onlyBefore()).containsExactly(Platform.parse("linux/arm64"));
    assertThat(diff.onlyAfter()).containsExactly(Platform.parse("linux/s390x"));
  }
}
