package dev.tonnage.registry.cloud;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.tonnage.registry.ProxiedUrlConnections;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * Microsoft Entra ID access tokens for Azure workload identity: a client-credentials grant whose
 * client assertion is the federated (projected ServiceAccount) token, read from its file on every
 * request since the kubelet rotates it. This class is the only one that touches msal4j, which keeps
 * its own token cache and answers from it until shortly before expiry.
 */
final class EntraTokens {

  /** The public cloud's authority host, unless AZURE_AUTHORITY_HOST names another. */
  static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/";

  /** The scope ACR accepts for its token exchange. */
  static final String ACR_SCOPE = "https://containerregistry.azure.net/.default";

  /** A projected ServiceAccount token is a JWT of a few KiB. */
  private static final long MAX_ASSERTION_BYTES = 64L * 1024;

  /** Connect and read timeouts of each request to the authority. */
  private static final int TIMEOUT_MILLIS = (int) Duration.ofSeconds(5).toMillis();

  /** An Entra access token and when it expires. */
  record EntraToken(String value, Instant expiresOn) {
    @Override
    public String toString() {
      return "EntraToken[expiresOn=" + expiresOn + ", value=<redacted>]";
    }
  }

  private final ConfidentialClientApplication app;
  private final Duration timeout;

  /**
   * @param settings the workload identity settings
   * @param sslSocketFactory trusts the authority's certificate, or null for the JVM's trust
   * @param timeout how long one token request may take in all
   * @param connections picks the proxy of the authority host ({@code HTTPS_PROXY}, {@code
   *     NO_PROXY}); msal4j cannot answer a proxy's 407, so that proxy must not ask
   */
  EntraTokens(
      WorkloadIdentity settings,
      SSLSocketFactory sslSocketFactory,
      Duration timeout,
      ProxiedUrlConnections connections) {
    Path assertionFile = settings.federatedTokenFile();
    String authorityHost =
        settings.authorityHost().endsWith("/")
            ? settings.authorityHost()
            : settings.authorityHost() + "/";
    boolean publicCloud = DEFAULT_AUTHORITY_HOST.equalsIgnoreCase(authorityHost);
    try {
      ConfidentialClientApplication.Builder builder =
          ConfidentialClientApplication.builder(
                  settings.clientId(),
                  ClientCredentialFactory.createFromCallback(() -> readAssertion(assertionFile)))
              .authority(authorityHost + settings.tenantId())
              .connectTimeoutForDefaultHttpClient(TIMEOUT_MILLIS)
              .readTimeoutForDefaultHttpClient(TIMEOUT_MILLIS);
      if (!publicCloud) {
        // An overridden authority host (sovereign cloud, Azure Stack) is used as given, not
        // looked up in the public cloud's instance discovery.
        builder.instanceDiscovery(false).validateAuthority(false);
      }
      Proxy proxy = connections.proxyFor(URI.create(authorityHost));
      if (proxy != Proxy.NO_PROXY) {
        builder.proxy(proxy);
      }
      if (sslSocketFactory != null) {
        builder.sslSocketFactory(sslSocketFactory);
      }
      this.app = builder.build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "AZURE_AUTHORITY_HOST " + authorityHost + " with tenant is not a URL: " + e.getMessage(),
          e);
    }
    this.timeout = timeout;
  }

  static String readAssertion(Path file) throws IOException {
    if (Files.size(file) > MAX_ASSERTION_BYTES) {
      throw new IOException(
          "AZURE_FEDERATED_TOKEN_FILE "
              + file
              + " is larger than "
              + MAX_ASSERTION_BYTES
              + " bytes; it should hold one ServiceAccount token");
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  /** A token for ACR's exchange, from msal4j's cache while it is fresh. */
  EntraToken acrToken() throws Exception {
    IAuthenticationResult result =
        app.acquireToken(ClientCredentialParameters.builder(Set.of(ACR_SCOPE)).build())
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return new EntraToken(result.accessToken(), result.expiresOnDate().toInstant());
  }
}
