package dev.tonnage.registry.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.registry.AddressPolicy;
import dev.tonnage.registry.CappedBody;
import dev.tonnage.registry.ProxySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import okhttp3.Dns;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * ACR's token exchange: {@code POST https://REGISTRY/oauth2/exchange} trades an Entra ID access
 * token for an ACR refresh token, which the registry's token service then takes as an OAuth2
 * refresh-token grant. The answer is capped; link-local and metadata addresses are refused; no
 * redirect is followed (the Entra token goes to the registry only).
 */
final class AcrTokenExchange {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JWT payload worth reading for its expiry: ACR's are well under 4 KiB. */
  private static final int MAX_PAYLOAD_CHARS = 16 * 1024;

  /** An ACR refresh token and when it expires (null when it does not say). */
  record RefreshToken(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "RefreshToken[expiresAt=" + expiresAt + ", value=<redacted>]";
    }
  }

  private final OkHttpClient http;
  private final Function<String, HttpUrl> exchangeUrl;

  /**
   * @param exchangeUrl where a registry's exchange lives ({@link #onRegistry} in production)
   * @param timeout how long one exchange may take in all
   * @param client a client to derive from (its TLS settings), or null for a new one
   * @param proxies the registry's proxies: the exchange is registry traffic
   */
  AcrTokenExchange(
      Function<String, HttpUrl> exchangeUrl,
      Duration timeout,
      OkHttpClient client,
      ProxySettings proxies) {
    // Private addresses allowed: a registry behind Private Link resolves to one. Link-local and
    // metadata addresses never: the Entra token must not reach the node's metadata service.
    AddressPolicy addresses = new AddressPolicy(true, false, Dns.SYSTEM);
    this.http =
        proxies
            .route(client == null ? new OkHttpClient.Builder() : client.newBuilder())
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .callTimeout(timeout)
            .protocols(List.of(Protocol.HTTP_1_1))
            .dns(addresses.dns())
            .addInterceptor(addresses.literalGuard())
            .addNetworkInterceptor(addresses.connectedGuard())
            .build();
    this.exchangeUrl = exchangeUrl;
  }

  /** {@code https://REGISTRY/oauth2/exchange}. */
  static HttpUrl onRegistry(String registryHost) {
    return new HttpUrl.Builder()
        .scheme("https")
        .host(registryHost)
        .addPathSegments("oauth2/exchange")
        .build();
  }

  RefreshToken exchange(String registryHost, String tenantId, String entraToken)
      throws IOException {
    HttpUrl url = exchangeUrl.apply(registryHost);
    FormBody form =
        new FormBody.Builder()
            .add("grant_type", "access_token")
            .add("service", registryHost)
            .add("tenant", tenantId)
            .add("access_token", entraToken)
            .build();
    Request request = new Request.Builder().url(url).post(form).build();
    try (Response response = http.newCall(request).execute()) {
      byte[] body = CappedBody.read(response.body(), CappedBody.SMALL_CAP);
      if (!response.isSuccessful()) {
        throw new IOException(
            "the token exchange of "
                + registryHost
                + " answered HTTP "
                + response.code()
                + "; check that the identity has the AcrPull role on the registry");
      }
      String token = JSON.readTree(body).path("refresh_token").asText("");
      if (token.isEmpty()) {
        throw new IOException(
            "the token exchange of " + registryHost + " answered without a refresh_token");
      }
      return new RefreshToken(token, expiryOf(token));
    }
  }

  /** The {@code exp} claim of a JWT, read without verifying it (only to refresh in time). */
  static Instant expiryOf(String jwt) {
    int first = jwt.indexOf('.');
    int second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
    if (second < 0 || second - first - 1 > MAX_PAYLOAD_CHARS) {
      return null;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(jwt.substring(first + 1, second));
      JsonNode exp = JSON.readTree(new String(payload, StandardCharsets.UTF_8)).path("exp");
      return exp.canConvertToLong() && exp.asLong() > 0
          ? Instant.ofEpochSecond(exp.asLong())
          : null;
    } catch (IOException | IllegalArgumentException | java.time.DateTimeException e) {
      return null;
    }
  }
}
