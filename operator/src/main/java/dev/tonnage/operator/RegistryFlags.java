package dev.tonnage.operator;

import dev.tonnage.registry.cloud.CloudProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The registry flags of {@code tonnage operator}, {@code tonnage inspect} and {@code tonnage check}
 * (a picocli mixin): declared once, so each flag has one meaning, one {@code TONNAGE_*} variable
 * and one default ({@link OperatorConfig.Registry}) wherever it is given. What a command does when
 * {@code --docker-config} is absent is its own: the operator measures with Pods' pull secrets only,
 * the CLI falls back to the user's docker login.
 */
public final class RegistryFlags {

  @Option(
      names = "--docker-config",
      defaultValue = "${env:TONNAGE_DOCKER_CONFIG}",
      paramLabel = "FILE|DIR",
      description =
          "docker config.json, or a directory holding config.json or .dockerconfigjson (a mounted"
              + " pull secret), with registry credentials (env TONNAGE_DOCKER_CONFIG). Without it"
              + " the operator uses Pods' pull secrets only and the CLI the user's docker login"
              + " (REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json, ~/.docker/config.json).")
  Path dockerConfig;

  @Option(
      names = "--insecure-registry",
      split = ",",
      defaultValue = "${env:TONNAGE_INSECURE_REGISTRIES:-}",
      paramLabel = "HOST[:PORT]",
      description =
          "Reach this registry over plain HTTP (repeatable or comma-separated; env"
              + " TONNAGE_INSECURE_REGISTRIES). Nothing else ever is; without a port every port of"
              + " the host is meant.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--ca-file",
      split = ",",
      defaultValue = "${env:TONNAGE_CA_FILES:-}",
      paramLabel = "FILE",
      description =
          "PEM file of CA certificates to trust for registries besides the system's (repeatable"
              + " or comma-separated; env TONNAGE_CA_FILES).")
  List<String> caFiles = new ArrayList<>();

  @Option(
      names = "--registry-timeout",
      paramLabel = "DURATION",
      defaultValue =
          "${env:TONNAGE_REGISTRY_TIMEOUT:-"
              + OperatorConfig.Registry.DEFAULT_REQUEST_TIMEOUT
              + "}",
      converter = DurationConverter.class,
      description =
          "Longest one registry HTTP exchange may take (env TONNAGE_REGISTRY_TIMEOUT;"
              + " ${DEFAULT-VALUE}); a review is bounded by --review-budget, a CLI image by"
              + " --timeout.")
  Duration registryTimeout;

  @Option(
      names = "--tag-ttl",
      paramLabel = "DURATION",
      defaultValue = "${env:TONNAGE_TAG_TTL:-" + OperatorConfig.Registry.DEFAULT_TAG_TTL + "}",
      converter = DurationConverter.class,
      description =
          "How long a tag -> digest resolution is trusted before one HEAD re-checks it (env"
              + " TONNAGE_TAG_TTL; ${DEFAULT-VALUE}).")
  Duration tagTtl;

  @Option(
      names = "--registry-mirror",
      split = ",",
      defaultValue = "${env:TONNAGE_REGISTRY_MIRRORS:-}",
      paramLabel = "UPSTREAM=URL",
      description =
          "Ask this mirror for UPSTREAM's images first, then UPSTREAM, e.g."
              + " docker.io=https://mirror.example (repeatable or comma-separated, in order; env"
              + " TONNAGE_REGISTRY_MIRRORS).")
  List<String> registryMirrors = new ArrayList<>();

  @Option(
      names = "--stale-if-error",
      paramLabel = "DURATION",
      defaultValue =
          "${env:TONNAGE_STALE_IF_ERROR:-" + OperatorConfig.Registry.DEFAULT_STALE_IF_ERROR + "}",
      converter = DurationConverter.class,
      description =
          "How long past --tag-ttl a tag's last known facts are served, with a warning, while its"
              + " registry is down or rate-limits; 0 never (env TONNAGE_STALE_IF_ERROR;"
              + " ${DEFAULT-VALUE}).")
  Duration staleIfError;

  @Option(
      names = "--cloud-identity",
      split = ",",
      defaultValue =
          "${env:TONNAGE_CLOUD_IDENTITIES:-"
              + OperatorConfig.Registry.DEFAULT_CLOUD_IDENTITIES
              + "}",
      paramLabel = "PROVIDER",
      description =
          "Fetch short-lived registry credentials with this cloud's workload identity, for its own"
              + " registries only: aws (Amazon ECR), google (Artifact Registry, GCR), azure"
              + " (ACR); none for no cloud (repeatable or"
              + " comma-separated; env TONNAGE_CLOUD_IDENTITIES; ${DEFAULT-VALUE}). Asked after"
              + " pull secrets and --docker-config.")
  List<String> cloudIdentities = new ArrayList<>();

  /** The checked settings of these flags; throws {@link IllegalArgumentException} naming one. */
  public OperatorConfig.Registry settings() {
    return new OperatorConfig.Registry(
        dockerConfig,
        nonBlank(insecureRegistries),
        nonBlank(caFiles).stream().map(Path::of).toList(),
        registryTimeout,
        tagTtl,
        nonBlank(registryMirrors),
        staleIfError,
        CloudProvider.parseAll(cloudIdentities));
  }

  /** The values of a repeatable, comma-separated flag, trimmed, without empty ones. */
  static List<String> nonBlank(List<String> values) {
    return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
  }
}
