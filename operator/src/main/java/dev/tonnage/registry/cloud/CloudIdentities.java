package dev.tonnage.registry.cloud;

import dev.tonnage.registry.RegistryCredentials;
import java.util.Map;
import java.util.Set;

/** The registry credentials of the enabled cloud identities ({@code --cloud-identity}). */
public final class CloudIdentities {

  private CloudIdentities() {}

  /**
   * One source for every enabled provider, each answering only for its own registry hosts; none
   * enabled is anonymous. {@code env} is the process environment the identities read.
   */
  public static RegistryCredentials of(Set<CloudProvider> enabled, Map<String, String> env) {
    return RegistryCredentials.chain(
        enabled.stream()
            .sorted()
            .map(
                provider ->
                    switch (provider) {
                      case AWS -> EcrIdentity.fromEnvironment(env);
                      case GOOGLE -> GoogleIdentity.fromEnvironment(env);
                      case AZURE -> AzureIdentity.fromEnvironment(env);
                    })
            .toArray(RegistryCredentials[]::new));
  }
}
