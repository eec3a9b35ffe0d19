package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.events.EventReason;
import dev.tonnage.facts.FactsService;
import dev.tonnage.facts.FakeImageInspector;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PolicyAdmissionDeciderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIB = 1L << 20;
  private static final String BIG = "registry.example/acme/api:3.4";

  private final FakeImageInspector inspector = new FakeImageInspector();
  private final List<CompiledPolicy> policies = new ArrayList<>();
  private PullSecrets pullSecrets = PullSecrets.NONE;

  private int maxImages = FactsService.MAX_IMAGES_PER_REVIEW;

  private CompletableFuture<ReviewDecision> start(String fixture, Duration budget)
      throws Exception {
    AdmissionReviewCodec codec = new AdmissionReviewCodec();
    AdmissionRequest request = codec.read(Fixtures.read(fixture).getBytes(StandardCharsets.UTF_8));
    WorkloadReader reader = new WorkloadReader(codec.mapper());
    Workload workload = reader.read(request, request.object()).orElseThrow();
    // As the reviewer does: an UPDATE's stored object is read with the same reader.
    Workload previous = reader.read(request, request.oldObject()).orElse(null);
    PolicyAdmissionDecider decider =
        new PolicyAdmissionDecider(
            namespace -> policies,
            new FactsService(inspector, Clock.systemUTC(), maxImages),
            new RegistryCredentialsResolver(pullSecrets, RegistryCredentials.anonymous()));
    return decider.decide(
        new ReviewSubject(
            request, workload, Map.of("env", "prod"), Instant.now().plus(budget), previous));
  }

  private ReviewDecision decide(String fixture, Duration budget) throws Exception {
    return start(fixture, budget).get(budget.toMillis() + 2000, TimeUnit.MILLISECONDS);
  }

  private ReviewDecision decide(String fixture) throws Exception {
    return decide(fixture, Duration.ofSeconds(5));
  }

  /** The registry of {@link #BIG} answers 503. */
  private void registryDown() {
    inspector.answer(
        BIG,
        CompletableFuture.failedFuture(
            new UnavailableException(
                "registry.example", "acme/api", "503 from registry.example", true, null)));
  }

  private void policy(String name, String spec) {
    policies.addAll(
        PolicyDocuments.parse(
            name,
            "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: "
                + name
                + "}\nspec:\n"
                + spec));
  }

  @Test
  void deniesAnEnforceViolationNamingImagePolicyAndLimitAndRecordsImageTooLarge() throws Exception {
    policy(
        "slim",
        "  action: Enforce\n  match: {images: ['registry.example/**']}\n  limits: {maxCompressedSize: 500Mi}\n");
    inspector.image(BIG, 812 * MIB);
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.denied()).isTrue();
    assertThat(decision.denials().get(0))
        .contains("slim", "registry.example/acme/api:3.4", "500 MiB");
    assertThat(decision.events())
        .extracting(AdmissionEvent::reason)
        .containsExactly(EventReason.ImageTooLarge);
    assertThat(decision.events().get(0).policy().name()).isEqualTo("slim");
    assertThat(decision.events().get(0).message()).startsWith("ClusterImagePolicy slim: ");
    assertThat(decision.annotations()).isEmpty();
  }

  private static final String NEXT = "registry.example/acme/api:3.5";

  private void growthPolicy(String action) {
    policy(
        "no-bloat",
        "  action: "
            + action
            + "\n  match: {images: ['registry.example/**']}\n"
            + "  limits: {maxGrowth: 10%}\n");
  }

  @Test
  void anUpdateWhoseNewImageGrewPastMaxGrowthIsDeniedWithOldAndNewSizes() throws Exception {
    growthPolicy("Enforce");
    inspector.image(BIG, 100 * MIB).image(NEXT, 150 * MIB);

    ReviewDecision decision = decide("deployment-update-image.json");

    assertThat(decision.denied()).isTrue();
    assertThat(decision.denials().get(0))
        .contains("no-bloat", NEXT, "grew from 100 MiB (" + BIG + ") to 150 MiB")
        .contains("+50 MiB, +50%", "over the growth limit of 10%");
    assertThat(decision.events())
        .extracting(AdmissionEvent::reason)
        .containsExactly(EventReason.ImageTooLarge);
    // The replaced image is measured in the same request, compressed sizes only.
    assertThat(inspector.calls)
        .extracting(c -> c.reference().toString(), c -> c.request().uncompressed())
        .containsExactly(
            org.assertj.core.api.Assertions.tuple(NEXT, false),
            org.assertj.core.api.Assertions.tuple(BIG, false));
  }

  @Test
  void anUpdateWithinMaxGrowthIsAllowedAndACreateIsNotJudgedForGrowth() throws Exception {
    growthPolicy("Enforce");
    inspector.image(BIG, 100 * MIB).image(NEXT, 105 * MIB);
    assertThat(decide("deployment-update-image.json").denied()).isFalse();

    inspector.calls.clear();
    assertThat(decide("deployment-create.json")).isEqualTo(ReviewDecision.ALLOW);
    assertThat(inspector.calls).extracting(c -> c.reference().toString()).containsExactly(BIG);
  }

  @Test
  void anUpdateWhoseReplacedImageCannotBeMeasuredIsNotJudgedForGrowthAndWarnsSo() throws Exception {
    growthPolicy("Enforce");
    inspector.image(NEXT, 500 * MIB);
    registryDown();

    ReviewDecision decision = decide("deployment-update-image.json");

    assertThat(decision.denied()).isFalse();
    assertThat(decision.warnings())
        .singleElement()
        .asString()
        .contains("no-bloat", "growth not judged", "(Unavailable)");
  }

  @Test
  void warnsForAWarnViolationWithoutEvents() throws Exception {
    policy(
        "heads-up",
        "  action: Warn\n  match: {images: ['**']}\n  limits: {maxCompressedSize: 100Mi}\n");
    inspector.image(BIG, 812 * MIB);
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.denied()).isFalse();
    assertThat(decision.warnings())
        .singleElement()
        .asString()
        .contains("heads-up")
        .hasSizeLessThanOrEqualTo(120);
    assertThat(decision.events()).isEmpty();
  }

  @Test
  void anAuditPolicyIsSilent() throws Exception {
    policy(
        "watch",
        "  action: Audit\n  match: {images: ['**']}\n  limits: {maxCompressedSize: 100Mi}\n");
    inspector.image(BIG, 812 * MIB);
    assertThat(decide("deployment-create.json")).isEqualTo(ReviewDecision.ALLOW);
  }

  @Test
  void withoutPoliciesNoRegistryIsAsked() throws Exception {
    assertThat(decide("pod-create.json")).isEqualTo(ReviewDecision.ALLOW);
    assertThat(inspector.calls).isEmpty();
  }

  @Test
  void inspectsOnlyImagesAPolicyCoversOnceEachWithTheDeadlineAndOptions() throws Exception {
    policy(
        "acme",
        "  action: Enforce\n  match: {images: ['registry.example/acme/**']}\n"
            + "  limits: {maxUncompressedSize: 2Gi}\n");
    inspector
        .image("registry.example/acme/migrate:1.2", MIB)
        .image("registry.example/acme/web:1.0", MIB);
    ReviewDecision decision = decide("pod-create.json");
    assertThat(decision.denied()).isFalse();
    assertThat(inspector.calls)
        .extracting(c -> c.reference().toString())
        .containsExactlyInAnyOrder(
            "registry.example/acme/migrate:1.2", "registry.example/acme/web:1.0");
    assertThat(inspector.calls)
        .allSatisfy(
            c -> {
              assertThat(c.request().uncompressed()).isTrue();
              assertThat(c.request().deadline()).isAfter(Instant.now());
            });
  }

  @Test
  void measuresWithThePodsPullSecrets() throws Exception {
    pullSecrets =
        (namespace, serviceAccount, names) -> {
          assertThat(namespace).isEqualTo("shop");
          assertThat(serviceAccount).isEqualTo("builder");
          assertThat(names).containsExactly("regcred");
          return List.of(
              "{\"auths\":{\"registry.example\":{\"auth\":\"Zml4dHVyZTpub3QtYS1zZWNyZXQ=\"}}}");
        };
    policy(
        "acme",
        "  action: Warn\n  match: {images: ['registry.example/acme/web*']}\n  limits: {maxLayers: 5}\n");
    inspector.image("registry.example/acme/web:1.0", MIB);
    decide("pod-create.json");
    assertThat(inspector.calls)
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.request().credentials().forRegistry("registry.example"))
                    .isPresent());
    assertThat(inspector.calls.get(0).request().credentials().forRegistry("other.example"))
        .isEmpty();
  }

  @Test
  void registryErrorsFollowOnRegistryErrorAllowWithAWarningAndAnEvent() throws Exception {
    policy(
        "open",
        "  action: Enforce\n  onRegistryError: Allow\n  match: {images: ['**']}\n  limits: {maxLayers: 5}\n");
    registryDown();
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.denied()).isFalse();
    assertThat(decision.warnings()).singleElement().asString().contains("open", "not checked");
    assertThat(decision.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.ImageFactsUnavailable);
              assertThat(e.message())
                  .contains(
                      "admitted unchecked by ClusterImagePolicy open (onRegistryError: Allow)", BIG)
                  .doesNotContain("ALLOW");
            });
  }

  @Test
  void oneCauseOfUnavailableFactsIsOneEventNamingEveryPolicyInItsOwnWords() throws Exception {
    String spec = "  match: {images: ['**']}\n  limits: {maxLayers: 5}\n";
    policy("closed-a", "  action: Enforce\n  onRegistryError: Deny\n" + spec);
    policy("closed-b", "  action: Enforce\n  onRegistryError: Deny\n" + spec);
    policy("heads-up", "  action: Warn\n  onRegistryError: Deny\n" + spec);
    registryDown();
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.ImageFactsUnavailable);
              assertThat(e.message())
                  .startsWith("facts of image " + BIG + " unavailable (")
                  .contains("503 from registry.example")
                  .contains(
                      "denied by ClusterImagePolicy closed-a and ClusterImagePolicy closed-b"
                          + " (onRegistryError: Deny)")
                  .contains("admitted with a warning by ClusterImagePolicy heads-up (action: Warn)")
                  .doesNotContain("DENY");
              assertThat(e.message().split("onRegistryError", -1)).hasSize(2);
            });
  }

  @Test
  void registryErrorsFollowOnRegistryErrorDenyWithAMessage() throws Exception {
    policy(
        "closed",
        "  action: Enforce\n  onRegistryError: Deny\n  match: {images: ['**']}\n  limits: {maxLayers: 5}\n");
    registryDown();
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.denied()).isTrue();
    assertThat(decision.denials().get(0)).contains("closed", "onRegistryError: Deny");
    assertThat(decision.events())
        .extracting(AdmissionEvent::message)
        .allMatch(m -> m.contains("denied"));
  }

  @Test
  void factsMissingAtTheDeadlineAreUnavailableAndTheFetchGoesOn() throws Exception {
    policy(
        "open",
        "  action: Enforce\n  onRegistryError: Allow\n  match: {images: ['**']}\n  limits: {maxLayers: 5}\n");
    CompletableFuture<ImageFacts> slow = new CompletableFuture<>();
    inspector.answer(BIG, slow);
    long started = System.nanoTime();
    ReviewDecision decision = decide("deployment-create.json", Duration.ofMillis(300));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));
    assertThat(decision.warnings()).singleElement().asString().contains("Timeout");
    assertThat(slow.isCancelled()).isFalse();
  }

  @Test
  void noThreadWaitsForFactsTheDecisionFollowsWhenTheyArrive() throws Exception {
    policy(
        "slim",
        "  action: Enforce\n  match: {images: ['**']}\n  limits: {maxCompressedSize: 500Mi}\n");
    CompletableFuture<ImageFacts> pending = new CompletableFuture<>();
    inspector.answer(BIG, pending);
    CompletableFuture<ReviewDecision> decision =
        start("deployment-create.json", Duration.ofSeconds(5));
    assertThat(decision).isNotDone();
    pending.complete(FakeImageInspector.facts(BIG, 812 * MIB));
    assertThat(decision.get(1, TimeUnit.SECONDS).denied()).isTrue();
  }

  @Test
  void imagesPastTheReviewCapAreUnavailableAndOnRegistryErrorDecides() throws Exception {
    maxImages = 1;
    policy(
        "closed",
        "  action: Enforce\n  onRegistryError: Deny\n  match: {images: ['**']}\n  limits: {maxLayers: 5}\n");
    inspector
        .image("registry.example/acme/web:1.0", MIB)
        .image("nginx:1.25", MIB)
        .image("registry.example/acme/migrate:1.2", MIB);
    ReviewDecision decision = decide("pod-create.json");
    assertThat(inspector.calls).hasSize(1);
    assertThat(decision.denied()).isTrue();
    assertThat(decision.denials())
        .singleElement()
        .asString()
        .contains("nginx:1.25 could not be read (TooManyImages: more than 1 distinct images")
        .contains("web:1.0 could not be read (TooManyImages:")
        .doesNotContain("migrate:1.2 could not be read");
  }

  @Test
  void annotatesSizesPerContainerAndPlatformAndTheViolations() throws Exception {
    policy(
        "sizes",
        "  action: Warn\n  annotate: true\n  match: {images: ['**']}\n  limits: {maxCompressedSize: 100Mi}\n");
    inspector.image(BIG, 812 * MIB);
    ReviewDecision decision = decide("deployment-create.json");
    JsonNode sizes = JSON.readTree(decision.annotations().get("tonnage.dev/image-sizes"));
    assertThat(sizes).hasSize(1);
    assertThat(sizes.get(0).get("container").asText()).isEqualTo("api");
    assertThat(sizes.get(0).get("image").asText()).isEqualTo(BIG);
    assertThat(sizes.get(0).get("platform").asText()).isEqualTo("linux/amd64");
    assertThat(sizes.get(0).get("compressed").asLong()).isEqualTo(812 * MIB + 1000);
    assertThat(sizes.get(0).get("uncompressed").asLong()).isEqualTo(812 * MIB * 3);
    assertThat(sizes.get(0).get("layers").asInt()).isEqualTo(1);
    assertThat(sizes.get(0).get("digest").asText()).startsWith("sha256:");
    JsonNode violations = JSON.readTree(decision.annotations().get("tonnage.dev/violations"));
    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.get("policy").asText()).contains("sizes");
              assertThat(v.get("rule").asText()).isEqualTo("MAX_COMPRESSED_SIZE");
              assertThat(v.get("limit").asText()).isEqualTo("100 MiB");
            });
  }

  @Test
  void aBaseImageRuleRecordsBaseImageNotAllowed() throws Exception {
    policy(
        "bases",
        "  action: Enforce\n  match: {images: ['**']}\n  baseImages: {requireKnownBase: true}\n");
    inspector.image(BIG, MIB);
    ReviewDecision decision = decide("deployment-create.json");
    assertThat(decision.denied()).isTrue();
    assertThat(decision.events())
        .extracting(AdmissionEvent::reason)
        .containsExactly(EventReason.BaseImageNotAllowed);
  }
}
