package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static final String CONFIG =
      """
      {
        "auths": {
          "https://index.docker.io/v1/": {"auth": "%s"},
          "ghcr.io": {"username": "bot", "password": "ghp_token"},
          "registry.example.com:5000": {"auth": "%s", "identitytoken": "refresh-me"},
          "*.gcr.example": {"auth": "%s"},
          "empty.example": {}
        },
        "credsStore": "desktop"
      }
      """
          .formatted(b64("hubuser:hub:pass"), b64("<token>:"), b64("wild:card"));

  @Test
  void readsAuthUsernamePasswordAndIdentityTokenEntries() {
    DockerConfigCredentials credentials = DockerConfigCredentials.fromJson(CONFIG);
    assertThat(credentials.forRegistry("index.docker.io"))
        .contains(Credential.basic("hubuser", "hub:pass"));
    assertThat(credentials.forRegistry("ghcr.io")).contains(Credential.basic("bot", "ghp_token"));
    assertThat(credentials.forRegistry("registry.example.com:5000"))
        .contains(Credential.identityToken("<token>", "refresh-me"));
    assertThat(credentials.forRegistry("empty.example")).isEmpty();
    assertThat(credentials.forRegistry("quay.io")).isEmpty();
  }

  @Test
  void dockerHubAliasesAllFindTheHubCredential() {
    DockerConfigCredentials credentials =
        DockerConfigCredentials.fromJson(
            "{\"auths\":{\"docker.io\":{\"auth\":\"" + b64("u:p") + "\"}}}");
    assertThat(credentials.forRegistry(ImageReference.DOCKER_HUB)).isPresent();
    assertThat(credentials.forRegistry("registry-1.docker.io")).isPresent();
  }

  @Test
  void portsMustMatchAndWildcardsCoverOneLabel() {
    DockerConfigCredentials credentials = DockerConfigCredentials.fromJson(CONFIG);
    assertThat(credentials.forRegistry("registry.example.com")).isEmpty();
    assertThat(credentials.forRegistry("eu.gcr.example"))
        .contains(Credential.basic("wild", "card"));
    assertThat(credentials.forRegistry("a.b.gcr.example")).isEmpty();
  }

  @Test
  void legacyDockercfgWithoutAuthsIsTheAuthsMapItself() {
    RegistryCredentials credentials =
        RegistryCredentials.fromDockerConfigJson("{\"quay.io\":{\"auth\":\"" + b64("q:w") + "\"}}");
    assertThat(credentials.forRegistry("quay.io")).contains(Credential.basic("q", "w"));
  }

  @Test
  void errorsNeverQuoteTheSecret() {
    assertThatThrownBy(
            () ->
                DockerConfigCredentials.fromJson("{\"auths\": {\"x\": {\"auth\": \"s3cr3t!!\"}}}"))
        .hasMessageContaining("\"x\"")
        .hasMessageContaining("not valid base64")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                DockerConfigCredentials.fromJson(
                    "{\"auths\": {\"x\": {\"auth\": \"" + b64("nocolon-s3cr3t") + "\"}}}"))
        .hasMessageContaining("username:password")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> DockerConfigCredentials.fromJson("{\"auths\": s3cr3t"))
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void credentialToStringHidesTheSecret() {
    assertThat(Credential.basic("alice", "pw-123").toString())
        .contains("alice")
        .doesNotContain("pw-123");
    assertThat(Credential.identityToken("<token>", "tok-456").toString()).doesNotContain("tok-456");
    assertThat(Credential.basic("alice", "pw-123").fingerprint())
        .isNotEqualTo(Credential.basic("alice", "pw-124").fingerprint())
        .doesNotContain("pw-123");
  }

  @Test
  void environmentOrderIsRegistryAuthFileThenDockerConfig(@TempDir Path dir) throws Exception {
    Path auth = dir.resolve("auth.json");
    Files.writeString(auth, "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("first:1") + "\"}}}");
    Path dockerDir = Files.createDirectories(dir.resolve("docker"));
    Files.writeString(
        dockerDir.resolve("config.json"),
        "{\"auths\":{\"ghcr.io\":{\"auth\":\""
            + b64("second:2")
            + "\"},\"quay.io\":{\"auth\":\""
            + b64("q:3")
            + "\"}}}");
    RegistryCredentials credentials =
        DockerConfigCredentials.fromEnvironment(
            Map.of("REGISTRY_AUTH_FILE", auth.toString(), "DOCKER_CONFIG", dockerDir.toString()),
            dir);
    assertThat(credentials.forRegistry("ghcr.io")).contains(Credential.basic("first", "1"));
    assertThat(credentials.forRegistry("quay.io")).contains(Credential.basic("q", "3"));
  }

  @Test
  void homeDockerConfigIsUsedWhenNothingIsSetAndMissingFilesAreSkipped(@TempDir Path home)
      throws Exception {
    assertThat(DockerConfigCredentials.fromEnvironment(Map.of(), home).forRegistry("ghcr.io"))
        .isEmpty();
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(
        home.resolve(".docker/config.json"),
        "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("h:4") + "\"}}}");
    assertThat(DockerConfigCredentials.fromEnvironment(Map.of(), home).forRegistry("ghcr.io"))
        .contains(Credential.basic("h", "4"));
  }

  @Test
  void chainTakesTheFirstSourceThatKnowsTheRegistry() {
    RegistryCredentials a =
        host ->
            host.equals("a.io")
                ? java.util.Optional.of(Credential.basic("a", "1"))
                : java.util.Optional.empty();
    RegistryCredentials b = host -> java.util.Optional.of(Credential.basic("b", "2"));
    RegistryCredentials chain = RegistryCredentials.chain(RegistryCredentials.anonymous(), a, b);
    assertThat(chain.forRegistry("a.io")).contains(Credential.basic("a", "1"));
    assertThat(chain.forRegistry("c.io")).contains(Credential.basic("b", "2"));
    assertThat(RegistryCredentials.chain().forRegistry("a.io")).isEmpty();
  }

  @Test
  void aConfigFileOverTheCapIsRefusedNamingTheCap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\":{}," + "\"x\":\"" + "p".repeat(1024 * 1024) + "\"}");
    assertThatThrownBy(() -> DockerConfigCredentials.fromFile(file))
        .hasMessageContaining("a docker config may have at most 1048576");
  }

  @Test
  void moreAuthsEntriesThanTheCapAreRefused() {
    StringBuilder json = new StringBuilder("{\"auths\":{");
    for (int i = 0; i <= DockerConfigCredentials.MAX_AUTHS_ENTRIES; i++) {
      json.append(i == 0 ? "" : ",").append("\"h").append(i).append(".io\":{}");
    }
    json.append("}}");
    assertThatThrownBy(() -> DockerConfigCredentials.fromJson(json.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 1025 entries; at most 1024 are read");
  }

  @Test
  void aRegistryKeyOverTheCapIsRefusedWithoutQuotingIt() {
    String key = "k".repeat(DockerConfigCredentials.MAX_KEY_LENGTH + 1);
    assertThatThrownBy(
            () ->
                DockerConfigCredentials.fromJson(
                    "{\"auths\":{\"" + key + "\":{\"username\":\"u\",\"password\":\"p\"}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a registry key of 513 characters; at most 512")
        .hasMessageNotContaining(key);
  }

  @Test
  void deepNestingIsRefusedAsInvalidJsonWithoutAStackOverflow() {
    assertThatThrownBy(
            () -> DockerConfigCredentials.fromJson("[".repeat(100_000) + "]".repeat(100_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 32 levels");
  }

  @Test
  void wildcardLabelsMatchInLinearTime() {
    assertThat(DockerConfigCredentials.labelMatches("*", "anything")).isTrue();
    assertThat(DockerConfigCredentials.labelMatches("a*c", "abbbc")).isTrue();
    assertThat(DockerConfigCredentials.labelMatches("a*c", "abbb")).isFalse();
    assertThat(DockerConfigCredentials.labelMatches("*", "host:5000")).isFalse();
    assertThat(DockerConfigCredentials.labelMatches("*:5000", "host:5000")).isTrue();
    long start = System.nanoTime();
    assertThat(DockerConfigCredentials.labelMatches("*a".repeat(200) + "b", "a".repeat(500)))
        .isFalse();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(1));
  }
}
