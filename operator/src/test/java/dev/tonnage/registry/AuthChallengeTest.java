package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parsesDockerHubBearerChallenge() {
    List<AuthChallenge> challenges =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/nginx:pull\"");
    assertThat(challenges)
        .containsExactly(
            new AuthChallenge(
                "bearer",
                Map.of(
                    "realm", "https://auth.docker.io/token",
                    "service", "registry.docker.io",
                    "scope", "repository:library/nginx:pull")));
  }

  @Test
  void parsesBasicUnquotedValuesEscapesAndSeveralChallengesInOneHeader() {
    List<AuthChallenge> challenges =
        AuthChallenge.parse(
            "Basic realm=\"say \\\"hi\\\"\", Bearer realm=https://t.example/token, service=reg");
    assertThat(challenges).hasSize(2);
    assertThat(challenges.get(0).isBasic()).isTrue();
    assertThat(challenges.get(0).realm()).isEqualTo("say \"hi\"");
    assertThat(challenges.get(1).isBearer()).isTrue();
    assertThat(challenges.get(1).realm()).isEqualTo("https://t.example/token");
    assertThat(challenges.get(1).service()).isEqualTo("reg");
  }

  @Test
  void choosePrefersBearerWithARealmOverBasic() {
    assertThat(
            AuthChallenge.choose(List.of("Basic realm=\"r\"", "Bearer realm=\"https://t/x\""))
                .orElseThrow()
                .isBearer())
        .isTrue();
    assertThat(AuthChallenge.choose(List.of("Basic realm=\"r\"")).orElseThrow().isBasic()).isTrue();
    assertThat(AuthChallenge.choose(List.of("Bearer service=\"no realm\""))).isEmpty();
    assertThat(AuthChallenge.choose(List.of("Negotiate"))).isEmpty();
  }

  @Test
  void aHeaderOverTheCapOffersNoChallenge() {
    String padded =
        "Bearer realm=\"https://auth.example/token\",service=\""
            + "s".repeat(AuthChallenge.MAX_HEADER_LENGTH)
            + "\"";
    assertThat(AuthChallenge.parse(padded)).isEmpty();
    assertThat(AuthChallenge.choose(java.util.List.of(padded))).isEmpty();
  }

  @Test
  void aHeaderAtTheCapIsRead() {
    String prefix = "Bearer realm=\"https://auth.example/token\",service=\"";
    String atCap =
        prefix + "s".repeat(AuthChallenge.MAX_HEADER_LENGTH - prefix.length() - 1) + "\"";
    assertThat(atCap).hasSize(AuthChallenge.MAX_HEADER_LENGTH);
    assertThat(AuthChallenge.parse(atCap))
        .singleElement()
        .satisfies(c -> assertThat(c.isBearer()).isTrue());
  }
}
