package dev.tonnage.cli;

import dev.tonnage.operator.DurationConverter;
import dev.tonnage.operator.OperatorConfig;
import dev.tonnage.registry.CredentialHelpers;
import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the CLI reaches registries; shared by every subcommand that measures images. The flags mean
 * what the operator's flags of the same names mean ({@link OperatorConfig.Registry} reads both);
 * only the operator also takes them from TONNAGE_* environment variables, and only the CLI falls
 * back to the user's own docker login when {@code --docker-config} is not given.
 */
public final class RegistryOptions {

  @Option(
      names = "--insecure-registry",
      split = ",",
      paramLabel = "HOST[:PORT]",
      description =
          "Reach this registry over plain HTTP (repeatable or comma-separated). Nothing else ever"
              + " is; without a port every port of the host is meant.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--ca-file",
      split = ",",
      paramLabel = "FILE",
      description =
          "PEM file of CA certificates to trust besides the system's (repeatable or"
              + " comma-separated).")
  List<Path> caFiles = new ArrayList<>();

  @Option(
      names = "--docker-config",
      paramLabel = "FILE|DIR",
      description =
          "docker config.json with registry credentials, or a directory holding config.json or"
              + " .dockerconfigjson. Default: REGISTRY_AUTH_FILE, then $DOCKER_CONFIG/config.json,"
              + " else ~/.docker/config.json.")
  Path dockerConfig;

  @Option(
      names = "--registry-timeout",
      paramLabel = "DURATION",
      defaultValue = OperatorConfig.Registry.DEFAULT_REQUEST_TIMEOUT,
      converter = DurationConverter.class,
      description =
          "Longest one registry HTTP exchange may take (default: ${DEFAULT-VALUE}); --timeout"
              + " bounds the whole image.")
  Duration registryTimeout;

  @Option(
      names = "--registry-mirror",
      split = ",",
      paramLabel = "UPSTREAM=URL",
      description = OperatorConfig.Registry.MIRROR_HELP + ").")
  List<String> registryMirrors = new ArrayList<>();

  @Option(
      names = "--stale-if-error",
      paramLabel = "DURATION",
      defaultValue = OperatorConfig.Registry.DEFAULT_STALE_IF_ERROR,
      converter = DurationConverter.class,
      description = OperatorConfig.Registry.STALE_IF_ERROR_HELP + "default: ${DEFAULT-VALUE}).")
  Duration staleIfError;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Give up on an image after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** The flags as the settings the operator uses too. */
  OperatorConfig.Registry settings() {
    return new OperatorConfig.Registry(
        dockerConfig,
        insecureRegistries.stream().map(String::trim).filter(h -> !h.isEmpty()).toList(),
        caFiles,
        registryTimeout,
        new DurationConverter().convert(OperatorConfig.Registry.DEFAULT_TAG_TTL),
        registryMirrors.stream().map(String::trim).filter(m -> !m.isEmpty()).toList(),
        staleIfError);
  }

  RegistryClientConfig clientConfig() {
    return settings().clientConfig();
  }

  /** The docker config's credentials with its credential helpers, looked up on {@code PATH}. */
  RegistryCredentials credentials(Map<String, String> environment, Path home) throws IOException {
    CredentialHelpers helpers = CredentialHelpers.onPath(environment.get("PATH"));
    var given = settings().dockerConfigCredentials();
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
