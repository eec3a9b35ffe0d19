package dev.tonnage.cli;

import dev.tonnage.registry.DockerConfigCredentials;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** How the CLI reaches registries; shared by every subcommand that measures images. */
public final class RegistryOptions {

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "Reach this registry over plain HTTP (repeatable). Nothing else ever is; without a"
              + " port every port of the host is meant.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--ca-file",
      paramLabel = "FILE",
      description = "PEM file of CA certificates to trust besides the system's (repeatable).")
  List<Path> caFiles = new ArrayList<>();

  @Option(
      names = "--docker-config",
      paramLabel = "DIR",
      description =
          "Directory holding the config.json with registry credentials. Default: REGISTRY_AUTH_FILE,"
              + " then $DOCKER_CONFIG/config.json, else ~/.docker/config.json.")
  Path dockerConfig;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Give up on an image after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  RegistryClientConfig clientConfig() {
    for (Path file : caFiles) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("--ca-file " + file + " cannot be read");
      }
    }
    return RegistryClientConfig.builder()
        .insecureRegistries(Set.copyOf(insecureRegistries))
        .caBundles(caFiles)
        .build();
  }

  RegistryCredentials credentials(Map<String, String> environment, Path home) throws IOException {
    if (dockerConfig != null) {
      Path file = dockerConfig.resolve("config.json");
      if (!Files.isRegularFile(file)) {
        throw new IOException("--docker-config " + dockerConfig + " holds no config.json");
      }
      return DockerConfigCredentials.fromFile(file);
    }
    return DockerConfigCredentials.fromEnvironment(environment, home);
  }

  Duration timeout() {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("--timeout must be a positive number of seconds");
    }
    return Duration.ofSeconds(timeoutSeconds);
  }
}
