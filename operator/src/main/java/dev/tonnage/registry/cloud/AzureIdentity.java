package dev.tonnage.registry.cloud;

import dev.tonnage.registry.Credential;
import dev.tonnage.registry.ProxiedUrlConnections;
import dev.tonnage.registry.ProxySettings;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure Container Registry ({@code *.azurecr.io}, {@code .azurecr.cn}, {@code .azurecr.us})
 * credentials from Azure workload identity: the federated token file to an Entra ID token (msal4j),
 * traded at the registry's {@code /oauth2/exchange} for an ACR refresh token, which is the identity
 * token (user {@code 00000000-0000-0000-0000-000000000000}) for the registry's token service. One
 * refresh token per registry, kept until shortly before it expires.
 *
 * <p>msal4j is loaded only when an Azure registry is first looked up.
 */
public final class AzureIdentity implements RegistryCredentials {

  private static final Logger LOG = LoggerFactory.getLogger(AzureIdentity.class);

  /** The user name ACR expects with a refresh token. */
  static final String USERNAME = "00000000-0000-0000-0000-000000000000";

  private static final String[] DOMAINS = {"azurecr.io", "azurecr.cn", "azurecr.us"};

  private final Predicate<String> serves;
  private final CloudTokenCache tokens;
  private final AtomicBoolean warnedUnconfigured = new AtomicBoolean();

  /**
   * @param serves which registry hosts get a credential
   * @param tokens the token services behind their cache (null: not configured)
   */
  AzureIdentity(Predicate<String> serves, CloudTokenCache tokens) {
    this.serves = serves;
    this.tokens = tokens;
  }

  /**
   * Workload identity from {@code env}: {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code
   * AZURE_FEDERATED_TOKEN_FILE} and optionally {@code AZURE_AUTHORITY_HOST}; the authority and the
   * registry's exchange are reached through the proxies of {@code HTTPS_PROXY} and {@code
   * NO_PROXY}. Without the first three, Azure registries get no credential (and the first lookup of
   * one logs a warning).
   */
  public static AzureIdentity fromEnvironment(Map<String, String> env) {
    Optional<WorkloadIdentity> settings = WorkloadIdentity.fromEnvironment(env);
    if (settings.isEmpty()) {
      return new AzureIdentity(AzureIdentity::isAzureRegistry, null);
    }
    WorkloadIdentity identity = settings.get();
    ProxySettings proxies = ProxySettings.fromEnvironment(env);
    return new AzureIdentity(
        AzureIdentity::isAzureRegistry,
        new CloudTokenCache(
            "Azure",
            CloudTokenSource.createdOnFirstUse(
                () ->
                    tokenSource(
                        identity,
                        new EntraTokens(
                            identity,
                            null,
                            CloudTokenCache.DEFAULT_TIMEOUT,
                            new ProxiedUrlConnections(proxies)),
                        new AcrTokenExchange(
                            AcrTokenExchange::onRegistry,
                            CloudTokenCache.DEFAULT_TIMEOUT,
                            null,
                            proxies)))));
  }

  /** Entra token, then the registry's exchange; valid until the refresh token expires. */
  static CloudTokenSource tokenSource(
      WorkloadIdentity identity, EntraTokens entra, AcrTokenExchange exchange) {
    return registryHost -> {
      EntraTokens.EntraToken entraToken = entra.acrToken();
      AcrTokenExchange.RefreshToken refresh =
          exchange.exchange(registryHost, identity.tenantId(), entraToken.value());
      Instant expiresAt =
          refresh.expiresAt() != null ? refresh.expiresAt() : entraToken.expiresOn();
      return new CloudToken(
          Credential.identityToken(USERNAME, refresh.value()),
          Duration.between(Instant.now(), expiresAt));
    };
  }

  /** One DNS label under {@code azurecr.io}, {@code .cn} or {@code .us}, without a port. */
  public static boolean isAzureRegistry(String host) {
    String name = CloudRegistryHosts.dnsName(host);
    for (String domain : DOMAINS) {
      if (CloudRegistryHosts.oneLabelUnder(name, domain, "")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<Credential> forRegistry(String registryHost) {
    if (!serves.test(registryHost)) {
      return Optional.empty();
    }
    if (tokens == null) {
      if (warnedUnconfigured.compareAndSet(false, true)) {
        LOG.warn(
            "Azure identity: AZURE_CLIENT_ID, AZURE_TENANT_ID or AZURE_FEDERATED_TOKEN_FILE is not"
                + " set, so {} and other Azure registries get no credential; label the Pod"
                + " azure.workload.identity/use=true and annotate its ServiceAccount with"
                + " azure.workload.identity/client-id",
            registryHost);
      }
      return Optional.empty();
    }
    return tokens.get(registryHost.toLowerCase(Locale.ROOT), registryHost);
  }

  @Override
  public String toString() {
    return "AzureIdentity";
  }
}
