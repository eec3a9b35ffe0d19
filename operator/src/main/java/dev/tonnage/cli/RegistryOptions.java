package dev.tonnage.cli;

import dev.tonnage.operator.OperatorConfig;
import dev.tonnage.operator.RegistryFlags;
import dev.tonnage.registry.CredentialHelpers;
import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the CLI reaches registries; shared by every subcommand that measures images. The registry
 * flags are the operator's ({@link RegistryFlags}: same names, meanings, {@code TONNAGE_*}
 * variables and defaults); what is the CLI's own is {@code --timeout} and the fallback to the
 * user's docker login when {@code --docker-config} is not given.
 */
public final class RegistryOptions {

  @Mixin RegistryFlags flags = new RegistryFlags();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Give up on an image after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** The flags as the settings the operator uses too. */
  OperatorConfig.Registry settings() {
    return flags.settings();
  }

  RegistryClientConfig clientConfig() {
    return oneShot(settings().clientConfig());
  }

  /** The client configuration with the proxies of {@code environment} (HTTPS_PROXY...). */
  RegistryClientConfig clientConfig(Map<String, String> environment) {
    return oneShot(settings().clientConfig(environment));
  }

  /** A CLI run's caches start empty: an unknown tag costs one GET, not a HEAD and a GET. */
  private static RegistryClientConfig oneShot(RegistryClientConfig config) {
    return config.toBuilder().resolveTagsWithGet(true).build();
  }

  /**
   * The credentials of {@code --docker-config} with its credential helpers, looked up on {@code
   * PATH}; without the flag, the user's own docker login (CLI only: the operator has no user); then
   * those of {@code --cloud-identity}.
   */
  RegistryCredentials credentials(Map<String, String> environment, Path home) throws IOException {
    OperatorConfig.Registry settings = settings();
    return RegistryCredentials.chain(
        dockerCredentials(settings, environment, home), settings.cloudCredentials(environment));
  }

  private static RegistryCredentials dockerCredentials(
      OperatorConfig.Registry settings, Map<String, String> environment, Path home)
      throws IOException {
    CredentialHelpers helpers = CredentialHelpers.onPath(environment.get("PATH"));
    var given = settings.dockerConfigCredentials();
    if (given.isEmpty()) {
      return DockerConfigCredentials.fromEnvironment(environment, home, helpers);
    }
    return given.get() instanceof DockerConfigCredentials docker
        ? docker.withHelpers(helpers)
        : given.get();
  }

  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("--timeout must be a positive number of seconds");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }
}
