package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.registry.ImageReference;
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
}
