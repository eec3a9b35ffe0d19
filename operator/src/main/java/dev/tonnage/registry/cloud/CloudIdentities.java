package dev.tonnage.registry.cloud;

import dev.tonnage.registry.RegistryCredentials;
import java.util.Map;
import java.util.Set;

/** The registry credentials of the enabled cloud identities ({@code --cloud-identity}). */
public final class CloudIdentities {

  private CloudIdentities() {}

  /**
   * One source for every enabled provider, each answering only for its own registry hosts; none
   * enabled is anonymous. {@code env} is the process environment the identities read: their
   * workload identity settings, and the {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code
   * NO_PROXY} their token calls honour as registry traffic does ({@link
   * dev.tonnage.registry.ProxySettings#fromEnvironment}).
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
