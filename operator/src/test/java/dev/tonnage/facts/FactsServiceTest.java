package dev.tonnage.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.FactsOutcome;
import dev.tonnage.policy.InspectionNeed;
import dev.tonnage.registry.ForbiddenException;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InvalidManifestException;
import dev.tonnage.registry.InvalidReferenceException;
import dev.tonnage.registry.NotAnImageException;
import dev.tonnage.registry.NotFoundException;
import dev.tonnage.registry.RateLimitedException;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryException;
import dev.tonnage.registry.RegistryTimeoutException;
import dev.tonnage.registry.UnauthorizedException;
import dev.tonnage.registry.UnavailableException;
import dev.tonnage.registry.UnsupportedMediaTypeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FactsServiceTest {

  private static final String APP = "registry.example/acme/app:1";
  private static final String WEB = "registry.example/acme/web:1";
  private static final String JOB = "registry.example/acme/job:1";

  private final FakeImageInspector inspector = new FakeImageInspector();
  private final FactsService service = new FactsService(inspector, Clock.systemUTC());

  @Test
  void needsForOneImageAreMergedIntoOneFetchThatAsksForEverything() throws Exception {
    inspector.image(APP, 100);
    ImageReference distroless = ImageReference.parse("gcr.io/distroless/static:nonroot");
    ImageReference alpine = ImageReference.parse("alpine:3.20");
    Map<ImageReference, FactsOutcome> facts =
        answer(
            List.of(
                new InspectionNeed(ref(APP), false, List.of(distroless)),
                new InspectionNeed(ref(APP), true, List.of(alpine, distroless)),
                new InspectionNeed(ref(APP), false, List.of())));
    assertThat(facts).containsOnlyKeys(ref(APP));
    assertThat(facts.get(ref(APP))).isInstanceOf(FactsOutcome.Found.class);
    assertThat(inspector.calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.request().uncompressed()).isTrue();
              assertThat(call.request().candidateBases()).containsExactly(distroless, alpine);
            });
  }

  @Test
  void imagesPastTheCapAreTooManyImagesWithoutAFetch() throws Exception {
    FactsService capped = new FactsService(inspector, Clock.systemUTC(), 2);
    inspector.image(APP, 100).image(WEB, 100).image(JOB, 100);
    Map<ImageReference, FactsOutcome> facts =
        capped
            .facts(needs(APP, WEB, APP, JOB), RegistryCredentials.anonymous(), inFive())
            .get(5, TimeUnit.SECONDS);
    assertThat(facts.keySet()).containsExactly(ref(APP), ref(WEB), ref(JOB));
    assertThat(facts.get(ref(JOB)))
        .isInstanceOfSatisfying(
            FactsOutcome.Unavailable.class,
            u -> {
              assertThat(u.reason()).isEqualTo("TooManyImages");
              assertThat(u.message())
                  .isEqualTo("more than 2 distinct images in one request; at most 2 are measured");
            });
    assertThat(inspector.calls).extracting(c -> c.reference()).containsExactly(ref(APP), ref(WEB));
  }

  @Test
  void aReviewMeasuresAtMostSixtyFourImagesByDefault() throws Exception {
    List<InspectionNeed> many = new java.util.ArrayList<>();
    for (int i = 0; i < 70; i++) {
      many.add(new InspectionNeed(ref("registry.example/acme/app:" + i), false, List.of()));
    }
    Map<ImageReference, FactsOutcome> facts = answer(many);
    assertThat(facts).hasSize(70);
    assertThat(facts.values())
        .filteredOn(
            o -> o instanceof FactsOutcome.Unavailable u && u.reason().equals("TooManyImages"))
        .hasSize(70 - FactsService.MAX_IMAGES_PER_REVIEW);
    assertThat(inspector.calls).hasSize(FactsService.MAX_IMAGES_PER_REVIEW);
  }

  @Test
  void factsMissingAtTheDeadlineAreTimeoutWhileTheSlowFetchGoesOn() throws Exception {
    CompletableFuture<ImageFacts> slow = new CompletableFuture<>();
    inspector.answer("slow.example/acme/app:1", slow).image(APP, 100);
    long started = System.nanoTime();
    Map<ImageReference, FactsOutcome> facts =
        service
            .facts(
                needs("slow.example/acme/app:1", APP),
                RegistryCredentials.anonymous(),
                Instant.now().plusMillis(300))
            .get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofMillis(2000));
    assertThat(facts.get(ref(APP))).isInstanceOf(FactsOutcome.Found.class);
    assertThat(facts.get(ref("slow.example/acme/app:1")))
        .isInstanceOfSatisfying(
            FactsOutcome.Unavailable.class,
            u -> {
              assertThat(u.reason()).isEqualTo("Timeout");
              assertThat(u.message()).matches("no answer from slow\\.example within \\d+ ms");
            });
    assertThat(slow.isDone()).isFalse();
    assertThat(inspector.calls.get(0).request().deadline()).isNotNull();
  }

  @Test
  void theRequestCarriesTheCredentialsAndTheDeadline() throws Exception {
    inspector.image(APP, 100);
    RegistryCredentials credentials = RegistryCredentials.fromDockerConfigJson("{\"auths\":{}}");
    Instant deadline = inFive();
    service.facts(needs(APP), credentials, deadline).get(5, TimeUnit.SECONDS);
    assertThat(inspector.calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.request().credentials()).isSameAs(credentials);
              assertThat(call.request().deadline()).isEqualTo(deadline);
            });
  }

  static Stream<Arguments> registryErrors() {
    String r = "registry.example";
    String p = "acme/app";
    return Stream.of(
        Arguments.of(new NotFoundException(r, p, "manifest 1 unknown"), "NotFound", "not found"),
        Arguments.of(
            new UnauthorizedException(r, p, "401 from registry.example"),
            "Unauthorized",
            "unauthorized, no or wrong credentials"),
        Arguments.of(
            new ForbiddenException(r, p, "403 from registry.example"),
            "Forbidden",
            "denied, no pull access"),
        Arguments.of(
            new RateLimitedException(r, p, "429 from registry.example", Duration.ofSeconds(9)),
            "RateLimited",
            "rate limited, retry after 9 s"),
        Arguments.of(
            new UnavailableException(r, p, "503 from registry", true, null),
            "Unavailable",
            "registry unavailable"),
        Arguments.of(new RegistryTimeoutException(r, p, "deadline passed"), "Timeout", "timeout"),
        Arguments.of(
            new InvalidManifestException(r, p, "layers: over 1000"),
            "InvalidManifest",
            "invalid manifest"),
        Arguments.of(
            new UnsupportedMediaTypeException(r, p, "application/x-nope"),
            "UnsupportedMediaType",
            "unsupported media type"),
        Arguments.of(new NotAnImageException(r, p, "a Helm chart"), "NotAnImage", "not an image"));
  }

  @ParameterizedTest
  @MethodSource("registryErrors")
  void eachRegistryErrorBecomesItsReasonWithTheRegistrysMessageAndAShortCause(
      RegistryException error, String reason, String cause) throws Exception {
    inspector.fail(APP, error);
    Duration retryAfter =
        error instanceof RateLimitedException limited ? limited.retryAfter().orElse(null) : null;
    assertThat(answer(needs(APP)).get(ref(APP)))
        .isEqualTo(new FactsOutcome.Unavailable(reason, error.getMessage(), cause, retryAfter));
  }

  @Test
  void anUnreachableRegistryNamesWhatFailedInItsShortCause() throws Exception {
    inspector.fail(
        APP,
        new UnavailableException(
            "registry.example",
            "acme/app",
            "cannot connect to registry.example for manifest 1 (https://registry.example/v2/...)",
            true,
            null,
            "cannot connect (Connection refused)"));
    assertThat(answer(needs(APP)).get(ref(APP)))
        .isInstanceOfSatisfying(
            FactsOutcome.Unavailable.class,
            u -> assertThat(u.cause()).isEqualTo("cannot connect (Connection refused)"));
  }

  @Test
  void everyPermittedRegistryErrorHasItsOwnReason() {
    assertThat(Set.<Class<?>>copyOf(UnavailableReasons.REGISTRY_REASONS.keySet()))
        .containsExactlyInAnyOrder(RegistryException.class.getPermittedSubclasses());
    assertThat(UnavailableReasons.REGISTRY_REASONS.values()).doesNotHaveDuplicates();
    assertThat(registryErrors()).hasSize(RegistryException.class.getPermittedSubclasses().length);
  }

  @Test
  void anInvalidReferenceIsInvalidReference() throws Exception {
    inspector.fail(APP, new InvalidReferenceException("Bad:Ref", "upper case"));
    assertThat(answer(needs(APP)).get(ref(APP)))
        .isEqualTo(
            new FactsOutcome.Unavailable(
                "InvalidReference",
                "invalid image reference \"Bad:Ref\": upper case",
                "invalid reference"));
  }

  @Test
  void anUnexpectedFailureIsInternalAndItsDetailIsNotShown() throws Exception {
    inspector.fail(APP, new IllegalStateException("token=hunter2 at Foo.java:12"));
    assertThat(answer(needs(APP)).get(ref(APP)))
        .isInstanceOfSatisfying(
            FactsOutcome.Unavailable.class,
            u -> {
              assertThat(u.reason()).isEqualTo("Internal");
              assertThat(u.message()).contains(APP).doesNotContain("hunter2", "IllegalState");
              assertThat(u.cause()).isEqualTo("internal error");
            });
  }

  @Test
  void anInspectorThatThrowsARuntimeExceptionGivesInternalWithoutFailingTheAnswer()
      throws Exception {
    FactsService throwing =
        new FactsService(
            (ref, request) -> {
              throw new IllegalArgumentException("boom");
            },
            Clock.systemUTC());
    assertThat(reasonsOf(throwing)).containsExactly("Internal", "Internal");
  }

  @Test
  void anInspectorThatOverflowsItsStackGivesInternalWithoutFailingTheAnswer() throws Exception {
    FactsService overflowing =
        new FactsService(
            (ref, request) -> {
              throw new StackOverflowError();
            },
            Clock.systemUTC());
    assertThat(reasonsOf(overflowing)).containsExactly("Internal", "Internal");
  }

  @Test
  void anInspectorThatAnswersNothingGivesInternal() throws Exception {
    FactsService silent = new FactsService((ref, request) -> null, Clock.systemUTC());
    assertThat(reasonsOf(silent)).containsExactly("Internal", "Internal");
  }

  @Test
  void oneImageAloneIsAnsweredWithinItsTimeout() throws Exception {
    inspector.answer(APP, new CompletableFuture<>());
    FactsOutcome outcome =
        service
            .facts(
                new InspectionNeed(ref(APP), false, List.of()),
                RegistryCredentials.anonymous(),
                Duration.ofMillis(100))
            .get(5, TimeUnit.SECONDS);
    assertThat(outcome)
        .isEqualTo(
            new FactsOutcome.Unavailable(
                "Timeout",
                "no answer from registry.example within 100 ms",
                "timeout after 100 ms"));
  }

  @Test
  void budgetsAreWrittenForPeople() {
    assertThat(UnavailableReasons.readable(Duration.ofMillis(300))).isEqualTo("300 ms");
    assertThat(UnavailableReasons.readable(Duration.ofSeconds(8))).isEqualTo("8 s");
    assertThat(UnavailableReasons.readable(Duration.ofMillis(2500))).isEqualTo("2.5 s");
    assertThat(UnavailableReasons.readable(Duration.ofSeconds(-1))).isEqualTo("0 ms");
  }

  private List<String> reasonsOf(FactsService facts) throws Exception {
    CompletableFuture<Map<ImageReference, FactsOutcome>> answer =
        facts.facts(needs(APP, WEB), RegistryCredentials.anonymous(), inFive());
    Map<ImageReference, FactsOutcome> outcomes = answer.get(5, TimeUnit.SECONDS);
    assertThat(answer.isCompletedExceptionally()).isFalse();
    return outcomes.values().stream().map(o -> ((FactsOutcome.Unavailable) o).reason()).toList();
  }

  private Map<ImageReference, FactsOutcome> answer(List<InspectionNeed> needs) throws Exception {
    return service.facts(needs, RegistryCredentials.anonymous(), inFive()).get(5, TimeUnit.SECONDS);
  }

  private static Instant inFive() {
    return Instant.now().plusSeconds(5);
  }

  private static List<InspectionNeed> needs(String... images) {
    return Stream.of(images).map(i -> new InspectionNeed(ref(i), false, List.of())).toList();
  }

  private static ImageReference ref(String image) {
    return ImageReference.parse(image);
  }
}
