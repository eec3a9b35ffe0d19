package dev.tonnage.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where credentials for a registry come from. Credentials are only ever sent to the registry they
 * are looked up for and to that registry's token service.
 */
@FunctionalInterface
public interface RegistryCredentials {

  /**
   * The credential for {@code registryHost}, as in {@link ImageReference#registry()} ({@code
   * index.docker.io} for Docker Hub; host[:port] otherwise).
   */
  Optional<Credential> forRegistry(String registryHost);

  /** No credentials: anonymous pulls (and anonymous tokens) only. */
  static RegistryCredentials anonymous() {
    return registryHost -> Optional.empty();
  }

  /** The first source that has a credential for the registry wins. */
  static RegistryCredentials chain(RegistryCredentials... sources) {
    List<RegistryCredentials> all = List.of(sources);
    return registryHost ->
        all.stream()
            .map(source -> source.forRegistry(registryHost))
            .flatMap(Optional::stream)
            .findFirst();
  }

  /**
   * Credentials from docker config.json text, which is also the content of a Kubernetes {@code
   * kubernetes.io/dockerconfigjson} secret's {@code .dockerconfigjson} key.
   *
   * @throws IllegalArgumentException when the text is not such JSON (the message never quotes it)
   */
  static RegistryCredentials fromDockerConfigJson(String json) {
    return DockerConfigCredentials.fromJson(json);
  }
}
