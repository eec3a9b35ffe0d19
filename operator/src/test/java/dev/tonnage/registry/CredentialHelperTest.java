package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-credential-NAME programs written by the test, run as the helper protocol says. */
class CredentialHelperTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path bin;

  /** Writes {@code docker-credential-NAME} as a shell script with {@code body}. */
  static Path writeHelper(Path directory, String name, String body) throws IOException {
    Path program = directory.resolve(CredentialHelper.PROGRAM_PREFIX + name);
    Files.writeString(program, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    return program;
  }

  private CredentialHelper helper(String body) throws IOException {
    writeHelper(bin, "test", body);
    return CredentialHelper.find("test", List.of(bin)).orElseThrow();
  }

  @Test
  void sendsTheServerUrlOnStdinAndReadsUsernameAndSecret() throws Exception {
    CredentialHelper helper =
        helper(
            "[ \"$1\" = get ] || exit 3\n"
                + "url=$(cat)\n"
                + "printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"s3cret\"}'"
                + " \"$url\" \"$url\"");

    Optional<Credential> credential = helper.get("registry.example:5000", TIMEOUT);

    assertThat(credential).contains(Credential.basic("u-registry.example:5000", "s3cret"));
  }

  @Test
  void theTokenUserMarksAnIdentityToken() throws Exception {
    CredentialHelper helper =
        helper("cat >/dev/null; echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'");

    Credential credential = helper.get("ghcr.io", TIMEOUT).orElseThrow();

    assertThat(credential.hasIdentityToken()).isTrue();
    assertThat(credential.identityToken()).isEqualTo("refresh");
  }

  @Test
  void notFoundInTheNativeKeychainIsNoCredential() throws Exception {
    CredentialHelper helper =
        helper("cat >/dev/null; echo 'credentials not found in native keychain'; exit 1");

    assertThat(helper.get("ghcr.io", TIMEOUT)).isEmpty();
  }

  @Test
  void aFailingHelperIsAnErrorQuotingItsMessage() throws Exception {
    CredentialHelper helper = helper("cat >/dev/null; echo 'no AWS region configured'; exit 2");

    assertThatThrownBy(() -> helper.get("ghcr.io", TIMEOUT))
        .isInstanceOf(IOException.class)
        .hasMessage("docker-credential-test get failed with exit code 2: no AWS region configured");
  }

  @Test
  void anAnswerThatIsNotJsonIsNeverQuoted() throws Exception {
    CredentialHelper helper = helper("cat >/dev/null; echo 'user:hunter2'");

    assertThatThrownBy(() -> helper.get("ghcr.io", TIMEOUT))
        .hasMessage("docker-credential-test get did not answer with JSON")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aHelperThatHangsIsKilledAtItsTimeout() throws Exception {
    Path pidFile = bin.resolve("pid");
    CredentialHelper helper = helper("echo $$ > " + pidFile + "; exec sleep 60");

    long start = System.nanoTime();
    assertThatThrownBy(() -> helper.get("ghcr.io", Duration.ofMillis(500)))
        .hasMessage("docker-credential-test get did not answer within 500 ms; it was killed");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  @Test
  void outputBeyondTheCapStopsTheHelper() throws Exception {
    CredentialHelper helper = helper("cat >/dev/null; exec yes");

    assertThatThrownBy(() -> helper.get("ghcr.io", TIMEOUT))
        .hasMessage(
            "docker-credential-test wrote more than "
                + CredentialHelper.MAX_OUTPUT_BYTES
                + " bytes; it was stopped");
  }

  @Test
  void onlyPlainProgramNamesAreHelpers() throws Exception {
    writeHelper(bin, "test", "exit 0");

    assertThat(CredentialHelper.find("test", List.of(bin))).isPresent();
    assertThat(CredentialHelper.find("../test", List.of(bin))).isEmpty();
    assertThat(CredentialHelper.find("missing", List.of(bin))).isEmpty();
    assertThat(CredentialHelper.isValidName("ecr-login")).isTrue();
    assertThat(CredentialHelper.isValidName("a/b")).isFalse();
    assertThat(CredentialHelper.isValidName(".hidden")).isFalse();
    assertThat(CredentialHelper.isValidName("x".repeat(65))).isFalse();
  }

  @Test
  void answersAreRememberedSoTheHelperRunsOncePerRegistry() throws Exception {
    Path calls = bin.resolve("calls");
    writeHelper(
        bin,
        "counted",
        "cat >/dev/null; echo x >> " + calls + "; echo '{\"Username\":\"u\",\"Secret\":\"p\"}'");
    CredentialHelpers helpers = new CredentialHelpers(List.of(bin), TIMEOUT);

    for (int i = 0; i < 3; i++) {
      assertThat(helpers.credential("counted", "ghcr.io")).contains(Credential.basic("u", "p"));
    }
    assertThat(helpers.credential("counted", "quay.io")).isPresent();

    assertThat(Files.readAllLines(calls)).hasSize(2);
  }

  @Test
  void aHelperThatIsNotInstalledLeavesTheConfigsOwnCredentials() throws Exception {
    DockerConfigCredentials config =
        DockerConfigCredentials.fromJson(
            "{\"auths\":{\"ghcr.io\":{\"auth\":\"dTpw\"}},\"credsStore\":\"absent\"}");

    RegistryCredentials credentials =
        config.withHelpers(new CredentialHelpers(List.of(bin), TIMEOUT));

    assertThat(config.helpers()).containsExactly("absent");
    assertThat(credentials.forRegistry("ghcr.io")).contains(Credential.basic("u", "p"));
    assertThat(credentials.forRegistry("quay.io")).isEmpty();
  }

  @Test
  void credHelpersWinOverCredsStoreAndDockerHubIsAskedForByItsIndexUrl() throws Exception {
    writeHelper(
        bin, "store", "url=$(cat); printf '{\"Username\":\"store\",\"Secret\":\"%s\"}' \"$url\"");
    writeHelper(
        bin, "ecr", "url=$(cat); printf '{\"Username\":\"ecr\",\"Secret\":\"%s\"}' \"$url\"");
    DockerConfigCredentials config =
        DockerConfigCredentials.fromJson(
            "{\"credsStore\":\"store\",\"credHelpers\":{\"https://1.dkr.ecr.aws\":\"ecr\"}}");

    RegistryCredentials credentials =
        config.withHelpers(new CredentialHelpers(List.of(bin), TIMEOUT));

    assertThat(credentials.forRegistry("1.dkr.ecr.aws"))
        .contains(Credential.basic("ecr", "1.dkr.ecr.aws"));
    assertThat(credentials.forRegistry("index.docker.io"))
        .contains(Credential.basic("store", "https://index.docker.io/v1/"));
    assertThat(config.registries()).containsExactly("1.dkr.ecr.aws");
  }

  @Test
  void aHelperNameWithAPathIsRefused() {
    assertThatThrownBy(
            () -> DockerConfigCredentials.fromJson("{\"auths\":{},\"credsStore\":\"../../sh\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain program name");
  }
}
