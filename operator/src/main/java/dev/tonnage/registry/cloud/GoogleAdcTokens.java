package dev.tonnage.registry.cloud;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.tonnage.registry.Credential;
import dev.tonnage.registry.ProxiedUrlConnections;
import dev.tonnage.registry.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Access tokens from Google Application Default Credentials, read from an environment map rather
 * than the process environment, so the settings a caller passes are the ones used. This class is
 * the only one that touches the Google auth library.
 */
final class GoogleAdcTokens implements CloudTokenSource {

  /** Registry access needs the cloud-platform scope (Artifact Registry and GCR alike). */
  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  /** Where the library sends metadata requests unless GCE_METADATA_HOST says otherwise. */
  private static final String DEFAULT_METADATA_HOST = "metadata.google.internal";

  /** The metadata server's link-local address, which the library also reaches by number. */
  private static final String METADATA_ADDRESS = "169.254.169.254";

  /** A credentials file is a small JSON object; a larger one is refused unread. */
  private static final long MAX_CREDENTIALS_FILE_BYTES = 64L * 1024;

  /** Assumed when a token comes without an expiry: shorter than any Google access token's hour. */
  private static final Duration UNSTATED_LIFETIME = Duration.ofMinutes(30);

  private final GoogleCredentials credentials;

  GoogleAdcTokens(GoogleCredentials credentials) {
    this.credentials = credentials;
  }

  static GoogleAdcTokens fromEnvironment(Map<String, String> env) {
    NetHttpTransport transport =
        transport(
            env.get("GCE_METADATA_HOST"),
            new ProxiedUrlConnections(ProxySettings.fromEnvironment(env)));
    String file = env.get("GOOGLE_APPLICATION_CREDENTIALS");
    try {
      GoogleCredentials credentials;
      if (file != null && !file.isBlank()) {
        credentials = fromFile(Path.of(file), transport);
      } else {
        credentials =
            ComputeEngineCredentials.newBuilder()
                .setHttpTransportFactory(() -> transport)
                .setScopes(List.of(SCOPE))
                .build();
      }
      return new GoogleAdcTokens(credentials);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GoogleCredentials fromFile(Path file, NetHttpTransport transport)
      throws IOException {
    if (Files.size(file) > MAX_CREDENTIALS_FILE_BYTES) {
      throw new IOException(
          "GOOGLE_APPLICATION_CREDENTIALS names "
              + file
              + ", larger than "
              + MAX_CREDENTIALS_FILE_BYTES
              + " bytes; a credentials file is a small JSON object");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return GoogleCredentials.fromStream(in, () -> transport).createScoped(List.of(SCOPE));
    }
  }

  /**
   * Java's URL connection (the library sets its timeouts). The library reads GCE_METADATA_HOST from
   * the process environment; this honours the one in the map given (the same map in production).
   * Google's OAuth and STS endpoints go through the proxy {@code HTTPS_PROXY}/{@code NO_PROXY}
   * pick; the metadata server never does: it is link-local, reachable only directly.
   */
  private static NetHttpTransport transport(
      String metadataHost, ProxiedUrlConnections connections) {
    return new NetHttpTransport.Builder()
        .setConnectionFactory(
            url -> {
              URL target = url;
              if (DEFAULT_METADATA_HOST.equals(url.getHost())
                  && metadataHost != null
                  && !metadataHost.isBlank()) {
                target = new URL("http://" + metadataHost + url.getFile());
              }
              return isMetadataServer(target, metadataHost)
                  ? (HttpURLConnection) target.openConnection(Proxy.NO_PROXY)
                  : connections.open(target, CloudTokenCache.DEFAULT_TIMEOUT);
            })
        .build();
  }

  static boolean isMetadataServer(URL url, String metadataHost) {
    String host = url.getHost();
    return host.equalsIgnoreCase(DEFAULT_METADATA_HOST)
        || host.equals(METADATA_ADDRESS)
        || (metadataHost != null && url.getAuthority().equalsIgnoreCase(metadataHost.trim()));
  }

  @Override
  public CloudToken fetch(String registryHost) throws IOException {
    AccessToken token = credentials.refreshAccessToken();
    Duration lifetime =
        token.getExpirationTime() == null
            ? UNSTATED_LIFETIME
            : Duration.between(Instant.now(), token.getExpirationTime().toInstant());
    return new CloudToken(
        Credential.basic(GoogleIdentity.USERNAME, token.getTokenValue()), lifetime);
  }
}
