package dev.tonnage.registry.cloud;

import dev.tonnage.registry.Credential;
import dev.tonnage.registry.RegistryCredentials;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Google Artifact Registry ({@code LOCATION-docker.pkg.dev}) and Container Registry ({@code
 * gcr.io}, {@code *.gcr.io}) credentials from Application Default Credentials: a {@code
 * GOOGLE_APPLICATION_CREDENTIALS} file (service account key or {@code external_account} workload
 * identity federation), else the metadata server (GKE Workload Identity). The access token goes as
 * the password of user {@code oauth2accesstoken}; one token serves every Google registry.
 *
 * <p>The Google auth library is loaded only when a Google registry is first looked up.
 */
public final class GoogleIdentity implements RegistryCredentials {

  /** The registry user name that carries a Google OAuth2 access token as its password. */
  static final String USERNAME = "oauth2accesstoken";

  /** One access token serves every Google registry. */
  private static final String CACHE_KEY = "google";

  private final Predicate<String> serves;
  private final CloudTokenCache tokens;

  /**
   * @param serves which registry hosts get the token
   * @param tokens the token service behind its cache
   */
  GoogleIdentity(Predicate<String> serves, CloudTokenCache tokens) {
    this.serves = serves;
    this.tokens = tokens;
  }

  /**
   * Application Default Credentials from {@code env} ({@code GOOGLE_APPLICATION_CREDENTIALS}, else
   * the metadata server at {@code GCE_METADATA_HOST} or {@code metadata.google.internal}).
   */
  public static GoogleIdentity fromEnvironment(Map<String, String> env) {
    Map<String, String> settings = Map.copyOf(env);
    return new GoogleIdentity(
        GoogleIdentity::isGoogleRegistry,
        new CloudTokenCache(
            "Google",
            CloudTokenSource.createdOnFirstUse(() -> GoogleAdcTokens.fromEnvironment(settings))));
  }

  /** {@code gcr.io}, {@code *.gcr.io} and {@code *-docker.pkg.dev}, without a port. */
  public static boolean isGoogleRegistry(String host) {
    String name = CloudRegistryHosts.dnsName(host);
    return "gcr.io".equals(name)
        || CloudRegistryHosts.oneLabelUnder(name, "gcr.io", "")
        || CloudRegistryHosts.oneLabelUnder(name, "pkg.dev", "-docker");
  }

  @Override
  public Optional<Credential> forRegistry(String registryHost) {
    if (!serves.test(registryHost)) {
      return Optional.empty();
    }
    return tokens.get(CACHE_KEY, registryHost);
  }

  @Override
  public String toString() {
    return "GoogleIdentity";
  }
}
