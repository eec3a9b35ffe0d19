package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactsAssemblerTest {

  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final Descriptor CONFIG =
      new Descriptor("application/vnd.oci.image.config.v1+json", DIGEST, 5, null, null, null, null);
  private static final Descriptor LAYER =
      new Descriptor(
          "application/vnd.oci.image.layer.v1.tar+gzip", DIGEST, 10, null, null, null, null);

  private static ImageManifest manifest(Map<String, String> annotations) {
    return new ImageManifest(2, MediaTypes.OCI_MANIFEST, null, CONFIG, List.of(LAYER), annotations);
  }

  private static ImageConfig config(Map<String, String> labels, List<ImageConfig.History> steps) {
    return new ImageConfig("linux", "amd64", null, new ImageConfig.Section(labels), steps, null);
  }

  private static PlatformFacts assemble(ImageManifest manifest, ImageConfig config) {
    return FactsAssembler.assemble(null, DIGEST, manifest, config);
  }

  @Test
  void aBaseNameAnnotationLongerThanAnyReferenceMakesTheBaseUnknown() {
    String longName = "docker.io/library/alpine:" + "3".repeat(100_000);
    PlatformFacts facts =
        assemble(
            manifest(Map.of(FactsAssembler.BASE_NAME, longName)),
            config(Map.of(FactsAssembler.BASE_NAME, "alpine:3.20"), List.of()));
    assertThat(facts.baseImage()).isNull();
  }

  @Test
  void aBaseNameAtTheCapIsKept() {
    String name = "ghcr.io/" + "a".repeat(100);
    PlatformFacts facts =
        assemble(manifest(Map.of(FactsAssembler.BASE_NAME, name)), config(Map.of(), List.of()));
    assertThat(facts.baseImage().name()).isEqualTo(name + ":latest");
    assertThat(facts.baseImage().source()).isEqualTo(BaseImage.Source.MANIFEST_ANNOTATION);
  }

  @Test
  void aBaseDigestThatIsNoDigestIsDropped() {
    PlatformFacts facts =
        assemble(
            manifest(
                Map.of(
                    FactsAssembler.BASE_NAME,
                    "alpine:3",
                    FactsAssembler.BASE_DIGEST,
                    "x".repeat(9000))),
            config(Map.of(), List.of()));
    assertThat(facts.baseImage().digest()).isNull();
  }

  @Test
  void createdByIsCutTo1KiBWithAnEllipsis() {
    PlatformFacts facts =
        assemble(
            manifest(Map.of()),
            config(
                Map.of(),
                List.of(new ImageConfig.History("RUN " + "x".repeat(50_000), false, null))));
    String createdBy = facts.layers().get(0).createdBy();
    assertThat(createdBy)
        .hasSize(FactsAssembler.MAX_CREATED_BY_LENGTH)
        .startsWith("RUN ")
        .endsWith("...");
  }

  @Test
  void aHistoryLongerThanTheCapMapsNoLayerToAStep() {
    List<ImageConfig.History> steps = new ArrayList<>();
    for (int i = 0; i < FactsAssembler.MAX_HISTORY_ENTRIES; i++) {
      steps.add(new ImageConfig.History("ENV x=" + i, true, null));
    }
    steps.add(new ImageConfig.History("RUN make", false, null));
    PlatformFacts facts = assemble(manifest(Map.of()), config(Map.of(), steps));
    assertThat(facts.layers().get(0).createdBy()).isNull();
  }

  @Test
  void onlyAFewShortOciLabelsAreKept() {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      labels.put(String.format("org.opencontainers.image.k%03d", i), "v".repeat(5000));
    }
    labels.put("org.opencontainers.image." + "k".repeat(500), "v");
    labels.put("com.vendor.other", "v");
    PlatformFacts facts = assemble(manifest(Map.of()), config(labels, List.of()));
    assertThat(facts.labels()).hasSize(FactsAssembler.MAX_LABELS_KEPT);
    assertThat(facts.labels()).containsKey("org.opencontainers.image.k000");
    assertThat(facts.labels().values())
        .allSatisfy(
            v -> assertThat(v).hasSize(FactsAssembler.MAX_LABEL_VALUE_LENGTH).endsWith("..."));
  }
}
