package dev.tonnage.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.PolicyKind;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.policy.Rule;
import dev.tonnage.policy.Violation;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.Platform;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.UncompressedSize;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackgroundSettlerTest {

  private static final String TRAINER = "registry.example.com:5000/research/trainer:nightly";

  /** The layers asked to settle, with a future each that the test completes. */
  private final List<CompletableFuture<UncompressedSize>> streams = new CopyOnWriteArrayList<>();

  private final List<String> settledDigests = new CopyOnWriteArrayList<>();
  private Map<ImageReference, FactsOutcome> facts;
  private final List<Violation> uncertain =
      List.of(
          new Violation(
              new PolicyRef(PolicyKind.CLUSTER_IMAGE_POLICY, null, "disk"),
              "trainer",
              TRAINER,
              null,
              Platform.parse("linux/amd64"),
              Rule.MAX_UNCOMPRESSED_SIZE,
              "1.8 GiB .. 9.8 GiB",
              "2 GiB",
              "uncertain",
              null,
              true));

  @BeforeEach
  void trainer() throws Exception {
    ObjectMapper json =
        new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try (InputStream in =
        getClass().getResourceAsStream("/policy/facts/trainer-ambiguous-gzip.json")) {
      ImageFacts trainer = json.readValue(in, ImageFacts.class);
      facts = Map.of(trainer.reference(), FactsOutcome.found(trainer));
    }
  }

  /** The fixture's inexact layer is 1.65 GB compressed: over the default budget of a review. */
  private BackgroundSettler settler(long maxBytes) {
    return new BackgroundSettler(
        credentials ->
            (image, layer) -> {
              settledDigests.add(layer.digest());
              CompletableFuture<UncompressedSize> stream = new CompletableFuture<>();
              streams.add(stream);
              return stream;
            },
        maxBytes,
        BackgroundSettler.MAX_IN_FLIGHT);
  }

  @Test
  void streamsOnlyTheInexactLayerOnceHoweverManyReviewsAsk() {
    BackgroundSettler settler = settler(2L << 30);

    settler.settleLater(uncertain, facts, RegistryCredentials.anonymous());
    settler.settleLater(uncertain, facts, RegistryCredentials.anonymous());

    assertThat(settledDigests).hasSize(1);
    assertThat(settler.inFlight()).isEqualTo(1);
    streams.get(0).complete(UncompressedSize.exact(6_000_000_000L, "stream"));
    assertThat(settler.inFlight()).isZero();
  }

  @Test
  void aFailedStreamIsTriedAgainByALaterReview() {
    BackgroundSettler settler = settler(2L << 30);
    settler.settleLater(uncertain, facts, RegistryCredentials.anonymous());
    streams.get(0).completeExceptionally(new IllegalStateException("registry went away"));

    settler.settleLater(uncertain, facts, RegistryCredentials.anonymous());

    assertThat(settledDigests).hasSize(2);
    assertThat(settler.inFlight()).isEqualTo(1);
  }

  @Test
  void aLayerOverThePerReviewBudgetIsNotStreamed() {
    BackgroundSettler settler = settler(BackgroundSettler.MAX_BYTES_PER_REVIEW);
    settler.settleLater(uncertain, facts, RegistryCredentials.anonymous());
    assertThat(settledDigests).isEmpty();
  }

  @Test
  void offNeverStreams() {
    BackgroundSettler.OFF.settleLater(uncertain, facts, RegistryCredentials.anonymous());
    assertThat(BackgroundSettler.OFF.inFlight()).isZero();
  }
}
