package dev.tonnage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry authentication: remembers each registry's challenge (Bearer or Basic) so later requests
 * authenticate up front, and runs the token flow (anonymous, Basic credentials, or OAuth2 refresh
 * token) with tokens cached per registry, scope and credential until they expire. Credentials go
 * only to the registry they belong to and its token realm, over HTTPS unless that host is
 * configured insecure.
 */
final class RegistryAuth {
  private static final Logger log = LoggerFactory.getLogger(RegistryAuth.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

  /** Sends one HTTP request for a registry (counted and guarded like every other). */
  interface Exchanger {
    Response execute(Request request, String registry) throws IOException;
  }

  private record TokenKey(
      String registry, String realm, String service, String scope, String who) {}

  private record Token(String value, Duration lifetime) {}

  private final RegistryClientConfig config;
  private final AddressPolicy addresses;
  private final RegistryEventListener listener;
  private final Exchanger http;
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Cache<TokenKey, Token> tokens;

  RegistryAuth(
      RegistryClientConfig config,
      AddressPolicy addresses,
      RegistryEventListener listener,
      Exchanger http) {
    this.config = config;
    this.addresses = addresses;
    this.listener = listener;
    this.http = http;
    this.tokens =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.creating((TokenKey key, Token token) -> token.lifetime()))
            .build();
  }

  /** The Authorization header to send before any challenge, when the registry's is known. */
  Optional<String> upFront(PullTarget target) throws RegistryException {
    AuthChallenge challenge = challenges.get(target.registry());
    if (challenge == null) {
      return Optional.empty();
    }
    if (challenge.isBasic()) {
      return basic(target);
    }
    TokenKey key = keyFor(target, challenge);
    Token cached = tokens.getIfPresent(key);
    if (cached != null) {
      listener.cacheHit(RegistryEventListener.Cache.TOKENS);
      return Optional.of("Bearer " + cached.value());
    }
    listener.cacheMiss(RegistryEventListener.Cache.TOKENS);
    return Optional.of("Bearer " + fetchToken(target, challenge, key).value());
  }

  /**
   * After a 401: the Authorization to retry with once, or empty when there is nothing better to
   * send than what was sent.
   */
  Optional<String> answer(PullTarget target, Response unauthorized, String sent)
      throws RegistryException {
    Optional<AuthChallenge> offered =
        AuthChallenge.choose(unauthorized.headers("WWW-Authenticate"));
    if (offered.isEmpty()) {
      return Optional.empty();
    }
    AuthChallenge challenge = offered.get();
    challenges.put(target.registry(), challenge);
    if (challenge.isBasic()) {
      Optional<String> basic = basic(target);
      return basic.filter(header -> !header.equals(sent));
    }
    TokenKey key = keyFor(target, challenge);
    tokens.invalidate(key);
    String header = "Bearer " + fetchToken(target, challenge, key).value();
    return header.equals(sent) ? Optional.empty() : Optional.of(header);
  }

  private Optional<String> basic(PullTarget target) {
    Credential credential = target.credential();
    if (credential == null || credential.password() == null) {
      return Optional.empty();
    }
    return Optional.of(Credentials.basic(credential.username(), credential.password()));
  }

  private TokenKey keyFor(PullTarget target, AuthChallenge challenge) {
    return new TokenKey(
        target.registry(),
        challenge.realm(),
        challenge.service(),
        target.pullScope(),
        target.principal());
  }

  private Token fetchToken(PullTarget target, AuthChallenge challenge, TokenKey key)
      throws RegistryException {
    HttpUrl realm = HttpUrl.parse(challenge.realm());
    if (realm == null) {
      throw unavailable(target, "its token realm \"" + challenge.realm() + "\" is not a URL", null);
    }
    String realmHost = RegistryTransport.hostPort(realm);
    if (!realm.isHttps() && !config.isInsecure(realmHost)) {
      throw unavailable(
          target,
          "its token realm "
              + RegistryErrors.redact(realm)
              + " is plain HTTP; Tonnage sends nothing to a token service without TLS unless "
              + realmHost
              + " is configured as an insecure registry",
          null);
    }
    Request request = tokenRequest(target, challenge, realm);
    String description =
        "token for " + target.pullScope() + " from " + RegistryErrors.redact(realm);
    try {
      addresses.checkIndirect(
          realm.host(), RegistryTransport.baseUrl(target.registry(), false).host());
      try (Response response = http.execute(request, target.registry())) {
        byte[] body = CappedBody.read(response.body(), CappedBody.SMALL_CAP);
        if (response.code() == 401 || response.code() == 403) {
          throw new UnauthorizedException(
              target.registry(),
              target.repository(),
              "the token service of "
                  + target.registry()
                  + " ("
                  + realm.host()
                  + ") refused "
                  + (target.credential() == null ? "an anonymous token" : "the credentials given")
                  + " for pulling "
                  + RegistryException.where(target.registry(), target.repository())
                  + RegistryErrors.registrySays(body)
                  + "; check the credentials for "
                  + target.registry());
        }
        if (!response.isSuccessful()) {
          throw RegistryErrors.fromResponse(target, description, response, body);
        }
        Token token = parseToken(body);
        if (token == null) {
          throw unavailable(target, "its token service answered without a token", null);
        }
        tokens.put(key, token);
        log.debug(
            "token for {} at {} valid {}", target.pullScope(), target.registry(), token.lifetime());
        return token;
      }
    } catch (IOException e) {
      throw RegistryErrors.fromIOException(target, description, realm, e);
    }
  }

  private Request tokenRequest(PullTarget target, AuthChallenge challenge, HttpUrl realm) {
    Credential credential = target.credential();
    String service = challenge.service();
    if (credential != null && credential.hasIdentityToken()) {
      // OAuth2 refresh-token grant, as docker does with an identity token.
      FormBody.Builder form =
          new FormBody.Builder()
              .add("grant_type", "refresh_token")
              .add("refresh_token", credential.identityToken())
              .add("client_id", "tonnage")
              .add("scope", target.pullScope());
      if (service != null) {
        form.add("service", service);
      }
      return new Request.Builder().url(realm).post(form.build()).build();
    }
    HttpUrl.Builder url = realm.newBuilder().addQueryParameter("scope", target.pullScope());
    if (service != null) {
      url.addQueryParameter("service", service);
    }
    Request.Builder request = new Request.Builder().url(url.build()).get();
    basic(target).ifPresent(header -> request.header("Authorization", header));
    return request.build();
  }

  private static Token parseToken(byte[] body) {
    try {
      JsonNode json = JSON.readTree(body);
      String value = json.path("token").asText("");
      if (value.isEmpty()) {
        value = json.path("access_token").asText("");
      }
      if (value.isEmpty()) {
        return null;
      }
      Duration lifetime = DEFAULT_TOKEN_LIFETIME;
      if (json.path("expires_in").canConvertToLong() && json.path("expires_in").asLong() > 0) {
        lifetime = Duration.ofSeconds(json.path("expires_in").asLong());
      }
      if (json.hasNonNull("issued_at")) {
        try {
          Instant issued = Instant.parse(json.path("issued_at").asText());
          Duration age = Duration.between(issued, Instant.now());
          if (!age.isNegative()) {
            lifetime = lifetime.minus(age);
          }
        } catch (RuntimeException clockOrFormat) {
          // issued_at is advisory; the lifetime from expires_in stands
        }
      }
      lifetime = lifetime.minus(EXPIRY_MARGIN);
      return new Token(
          value, lifetime.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lifetime);
    } catch (IOException e) {
      return null;
    }
  }

  private static UnavailableException unavailable(PullTarget target, String why, Throwable cause) {
    return new UnavailableException(
        target.registry(),
        target.repository(),
        "cannot authenticate to " + target.registry() + ": " + why,
        false,
        cause);
  }
}
