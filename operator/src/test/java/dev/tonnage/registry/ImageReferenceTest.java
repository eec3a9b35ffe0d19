package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

  private static final String D =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0} -> {1} | {2} | {3} | {4}")
  @CsvSource(
      nullValues = "-",
      delimiter = '|',
      textBlock =
          """
          nginx                                   | index.docker.io        | library/nginx       | latest  | -
          nginx:1.27                              | index.docker.io        | library/nginx       | 1.27    | -
          docker.io/nginx                         | index.docker.io        | library/nginx       | latest  | -
          docker.io/library/nginx:alpine          | index.docker.io        | library/nginx       | alpine  | -
          index.docker.io/nginx                   | index.docker.io        | library/nginx       | latest  | -
          registry-1.docker.io/bitnami/redis:7    | index.docker.io        | bitnami/redis       | 7       | -
          bitnami/redis                           | index.docker.io        | bitnami/redis       | latest  | -
          ghcr.io/acme/app/api:v1.2.3             | ghcr.io                | acme/app/api        | v1.2.3  | -
          GHCR.IO/acme/app                        | ghcr.io                | acme/app            | latest  | -
          localhost/app                           | localhost              | app                 | latest  | -
          localhost:5000/app:dev                  | localhost:5000         | app                 | dev     | -
          oci:5000/app:dev                        | oci:5000               | app                 | dev     | -
          oci:app                                 | index.docker.io        | library/oci         | app     | -
          127.0.0.1:5000/team/app                 | 127.0.0.1:5000         | team/app            | latest  | -
          [::1]:5000/app:v1                       | [::1]:5000             | app                 | v1      | -
          [2001:db8::1]/app                       | [2001:db8::1]          | app                 | latest  | -
          [2001:DB8::1]:443/app                   | [2001:db8::1]:443      | app                 | latest  | -
          Registry/app                            | registry               | app                 | latest  | -
          localhost:5000                          | index.docker.io        | library/localhost   | 5000    | -
          a.b/c__d/e-f/g.h_i:T.a-g_1              | a.b                    | c__d/e-f/g.h_i      | T.a-g_1 | -
          my-registry.local:8443/x---y            | my-registry.local:8443 | x---y               | latest  | -
          """)
  void parsesAndNormalizes(
      String text, String registry, String repository, String tag, String digest) {
    ImageReference ref = ImageReference.parse(text);
    assertThat(ref).isEqualTo(new ImageReference(registry, repository, tag, digest));
  }

  @Test
  void digestWinsOverTagButTheTagIsKeptForDisplay() {
    ImageReference ref = ImageReference.parse("ghcr.io/acme/app:v1@" + D);
    assertThat(ref.tag()).isEqualTo("v1");
    assertThat(ref.digest()).isEqualTo(D);
    assertThat(ref.identifier()).isEqualTo(D);
    assertThat(ref).hasToString("ghcr.io/acme/app:v1@" + D);
  }

  @Test
  void digestOnlyHasNoImplicitLatest() {
    ImageReference ref = ImageReference.parse("nginx@" + D);
    assertThat(ref.tag()).isNull();
    assertThat(ref).hasToString("index.docker.io/library/nginx@" + D);
  }

  @Test
  void toStringRoundTrips() {
    for (String text :
        new String[] {"[::1]:5000/app:v1", "localhost:5000/a/b:c", "ghcr.io/x/y@" + D}) {
      ImageReference ref = ImageReference.parse(text);
      assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }
  }

  @Test
  void aTagOf128CharactersIsTheLimit() {
    assertThat(ImageReference.parse("app:" + "a".repeat(128)).tag()).hasSize(128);
    assertThatThrownBy(() -> ImageReference.parse("app:" + "a".repeat(129)))
        .hasMessageContaining("129 characters long; at most 128");
  }

  @Test
  void aNameOver255CharactersIsRefused() {
    assertThatThrownBy(() -> ImageReference.parse("ghcr.io/" + "a".repeat(250)))
        .hasMessageContaining("longer than 255");
  }

  @Test
  void theLongestValidReferenceIsExactlyMaxLength() {
    String name = "registry-1.docker.io/a/" + "a".repeat(237);
    String longest = name + ":" + "t".repeat(128) + "@sha512:" + "0".repeat(128);
    assertThat(longest).hasSize(ImageReference.MAX_LENGTH);
    assertThat(ImageReference.parse(longest).name()).hasSize(255);
    assertThatThrownBy(() -> ImageReference.parse(longest + "0"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("526 characters long; at most 525 are allowed");
  }

  @Test
  void aFiveKilobyteReferenceIsInvalidNamingTheCapInWellUnderASecond() {
    String huge = "ghcr.io/" + "a-".repeat(2500) + "a";
    long start = System.nanoTime();
    RuntimeException thrown = parseFailure(huge);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown)
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("5009 characters long; at most " + ImageReference.MAX_LENGTH);
    assertThat(thrown.getMessage()).hasSizeLessThan(300);
    assertThat(took).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void pathologicalNamesUnderTheCapAreCheckedWithoutBacktracking() {
    long start = System.nanoTime();
    RuntimeException component = parseFailure("ghcr.io/a" + "-".repeat(240) + "!");
    RuntimeException host = parseFailure("a" + "-".repeat(300) + ".io/app");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(component).hasMessageContaining("must be lower case letters and digits");
    assertThat(host).hasMessageContaining("is not a valid host name");
    assertThat(took).isLessThan(Duration.ofMillis(500));
  }

  private static RuntimeException parseFailure(String text) {
    try {
      ImageReference.parse(text);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected " + text + " to be refused");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                                 | empty
          ' nginx'                           | white space
          'ngi nx'                           | white space
          https://ghcr.io/acme/app           | remove the URL scheme
          oci:/build/layout:v1               | only the tonnage CLI reads
          docker-archive:./app.tar           | a Pod names an image in a registry
          Nginx                              | upper case
          ghcr.io/Acme/app                   | upper case
          docker.io/library/NGINX:1          | upper case
          nginx:                             | tag after ':' is empty
          nginx:.hidden                      | must not start with '.' or '-'
          nginx:-x                           | must not start with '.' or '-'
          nginx:a+b                          | may contain only letters
          nginx@                             | digest after '@' is empty
          nginx@sha256                       | lacks its algorithm
          nginx@md5:abc                      | "md5" is not supported
          nginx@sha256:abc                   | 3 hex digits; exactly 64
          nginx@sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789 | lowercase hex
          nginx@sha256:x@y                   | more than one '@'
          ghcr.io//app                       | empty path component
          ghcr.io/app/                       | empty path component
          ghcr.io/                           | repository name is empty
          ghcr.io/a..b                       | must be lower case letters and digits
          ghcr.io/-a                         | must be lower case letters and digits
          ghcr.io:99999/app                  | port "99999" is not a number from 1 to 65535
          ghcr.io:/app                       | port "" is not a number
          ghcr.io:0/app                      | port "0"
          -bad.io/app                        | is not a valid host name
          bad_host.io/app                    | is not a valid host name
          [::1/app                           | lacks ']'
          [::1]x/app                         | text after the IPv6 address
          [fe80::1%eth0]:5000/app            | zone IDs
          [zz::1]/app                        | not an IPv6 address
          [1.2.3.4]/app                      | not an IPv6 address
          """)
  void refusesMalformedReferencesSayingWhy(String text, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("invalid image reference")
        .hasMessageContaining(reason);
  }

  @Test
  void withDigestPinsAndKeepsTheTag() {
    ImageReference pinned = ImageReference.parse("nginx:1").withDigest(D);
    assertThat(pinned.identifier()).isEqualTo(D);
    assertThat(pinned.tag()).isEqualTo("1");
    assertThat(pinned.name()).isEqualTo("index.docker.io/library/nginx");
  }
}
