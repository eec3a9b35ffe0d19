package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.registry.ImageReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageGlobTest {

  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # glob                          | image as written                       | matches
          *                               | nginx                                  | true
          *                               | ghcr.io/acme/deep/path/app:1           | true
          **                              | localhost:5000/app@%s                  | true
          ghcr.io/acme/*                  | ghcr.io/acme/api:1.4                   | true
          ghcr.io/acme/*                  | ghcr.io/acme/team/api:1.4              | false
          ghcr.io/acme/**                 | ghcr.io/acme/team/api:1.4              | true
          ghcr.io/acme/**                 | ghcr.io/other/api:1.4                  | false
          ghcr.io/acme/api                | ghcr.io/acme/api:1.4                   | true
          ghcr.io/acme/api                | ghcr.io/acme/api@%s                    | true
          ghcr.io/acme/api                | ghcr.io/acme/api-v2:1.4                | false
          ghcr.io/acme/api:1.*            | ghcr.io/acme/api:1.4                   | true
          ghcr.io/acme/api:1.*            | ghcr.io/acme/api:2.0                   | false
          ghcr.io/acme/api:*              | ghcr.io/acme/api:1.4@%s                | true
          ghcr.io/acme/api@sha256:*       | ghcr.io/acme/api@%s                    | true
          ghcr.io/acme/api@sha256:*       | ghcr.io/acme/api:1.4@%s                | true
          ghcr.io/acme/api@sha256:*       | ghcr.io/acme/api:1.4                   | false
          ghcr.io/acme/api:1.4            | ghcr.io/acme/api:1.4                   | true
          ghcr.io/acme/api:1.4            | ghcr.io/acme/api:1.40                  | false
          nginx                           | nginx:1.25                             | true
          nginx:*                         | docker.io/library/nginx:1.25           | true
          nginx:*                         | index.docker.io/library/nginx:1.25     | true
          docker.io/library/alpine:*      | alpine:3.20                            | true
          docker.io/nginx                 | nginx                                  | true
          acme/*                          | acme/web:2024.06                       | true
          acme/*                          | ghcr.io/acme/web:1                     | false
          docker.io/**                    | acme/web:2024.06                       | true
          docker.io/**                    | nginx                                  | true
          *.gcr.io/**                     | eu.gcr.io/proj/app:1                   | true
          *.gcr.io/**                     | gcr.io/proj/app:1                      | false
          GHCR.IO/acme/*                  | ghcr.io/acme/api:1                     | true
          localhost:5000/*                | localhost:5000/app:dev                 | true
          **/api:*                        | ghcr.io/acme/api:1                     | true
          gcr.io/distroless/**            | gcr.io/distroless/static-debian12:nonroot | true
          """)
  void matchesTheNormalizedReference(String glob, String image, boolean matches) {
    String reference = ImageReference.parse(image.replace("%s", DIGEST)).toString();
    assertThat(ImageGlob.compile(glob).matches(reference)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ghcr.io/acme/***  | '***'
          'ghcr.io/acme/ x' | may contain only reference characters
          ghcr.io/acme/$x   | may contain only reference characters
          """)
  void refusesWhatIsNoGlob(String glob, String reason) {
    assertThatThrownBy(() -> ImageGlob.compile(glob)).hasMessageContaining(reason);
  }

  @ParameterizedTest
  @CsvSource({"ghcr.io/acme/api:1.4, true", "ghcr.io/acme/*, false", "**, false"})
  void knowsWhetherItIsALiteralReference(String glob, boolean literal) {
    assertThat(ImageGlob.compile(glob).isLiteral()).isEqualTo(literal);
  }

  @Test
  void aGlobLongerThanTheCapIsRefusedNamingTheCap() {
    assertThat(ImageGlob.compile("ghcr.io/" + "a".repeat(ImageGlob.MAX_LENGTH - 8))).isNotNull();
    assertThatThrownBy(() -> ImageGlob.compile("ghcr.io/" + "a".repeat(ImageGlob.MAX_LENGTH)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("520 characters long; at most 512 are allowed");
  }

  @Test
  void pathologicalGlobsAgainstReferencesAtTheCapFinishInMilliseconds() {
    ImageGlob stars = ImageGlob.compile("ghcr.io/" + "a*".repeat(250) + "b");
    ImageGlob doubleStars = ImageGlob.compile("ghcr.io/" + "a**".repeat(166) + "b");
    String reference = "ghcr.io/" + "a".repeat(ImageReference.MAX_LENGTH - 8);
    String segments = "ghcr.io/" + "a/".repeat((ImageReference.MAX_LENGTH - 8) / 2);
    long start = System.nanoTime();
    boolean any =
        stars.matches(reference)
            || doubleStars.matches(reference)
            || stars.matches(segments)
            || doubleStars.matches(segments);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(any).isFalse();
    assertThat(took).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aLongBaseImageNameAgainstAllowedGlobsFinishesFastAndMatchesNothingButAWildcard() {
    String longBase = "docker.io/library/alpine:" + "3".repeat(100_000);
    ImageGlob allowed = ImageGlob.compile("docker.io/library/alpine:*");
    ImageGlob pathological = ImageGlob.compile("**" + "3*".repeat(200) + "x");
    long start = System.nanoTime();
    boolean matched = allowed.matches(longBase) || pathological.matches(longBase);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(matched).isFalse();
    assertThat(ImageGlob.compile("**").matches(longBase)).isTrue();
    assertThat(took).isLessThan(Duration.ofMillis(100));
  }

  @ParameterizedTest(name = "{0} against {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ghcr.io/a*b*c                   | ghcr.io/axbyc:1
          ghcr.io/**/x@sha256:*           | ghcr.io/a/b/x:t@%s
          ghcr.io/x@*                     | ghcr.io/x:t@%s
          ghcr.io/x*                      | ghcr.io/x/y
          **/x                            | ghcr.io/a/x@%s
          *.io/*:*                        | a.io/b:c
          ghcr.io/x:1@*                   | ghcr.io/x:1@%s
          localhost:5000/a@b@c            | localhost:5000/a@b@c
          """)
  void agreesWithTheRegexTranslationItReplaced(String glob, String text) {
    String reference = text.replace("%s", DIGEST);
    assertThat(ImageGlob.compile(glob).matches(reference))
        .isEqualTo(ImageGlobRegexOracle.matches(glob, reference));
  }
}
