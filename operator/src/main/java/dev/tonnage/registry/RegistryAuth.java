package dev.tonnage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

  /** Remembered challenges: Pods name any host; each is a header of up to a few KiB. */
  static final long CHALLENGES_MAX_BYTES = 4L * 1024 * 1024;

  /** Cached tokens: a token service answers up to 64 KiB; real JWTs are 1-4 KiB. */
  static final long TOKENS_MAX_BYTES = 16L * 1024 * 1024;

  /** Sends one HTTP request for a registry (counted and guarded like every other). */
  interface Exchanger {
    Response execute(Request request, String registry) throws IOException;
  }

  private record TokenKey(
      String registry, String realm, String service, String scope, String who) {}

  private record Token(String value, Duration lifetime) {}

  /**
   * A registry's challenge and whether the connection it came over went to a private address (which
   * decides whether its token realm may be private).
   */
  private record KnownChallenge(AuthChallenge challenge, boolean registryPrivate) {}

  private final RegistryClientConfig config;
  private final RegistryEventListener listener;
  private final Exchanger http;
  private final Cache<String, KnownChallenge> challenges;
  private final Cache<TokenKey, Token> tokens;

  RegistryAuth(RegistryClientConfig config, RegistryEventListener listener, Exchanger http) {
    this.config = config;
    this.listener = listener;
    this.http = http;
    this.challenges =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(CHALLENGES_MAX_BYTES)
            .weigher(
                (String registry, KnownChallenge known) ->
                    RetainedBytes.weight(
                        RetainedBytes.ENTRY
                            + RetainedBytes.of(registry)
                            + RetainedBytes.of(known.challenge().scheme())
                            + RetainedBytes.of(known.challenge().params())))
            .build();
    this.tokens =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(TOKENS_MAX_BYTES)
            .weigher((TokenKey key, Token token) -> RetainedBytes.weight(weigh(key, token)))
            .expireAfter(Expiry.creating((TokenKey key, Token token) -> token.lifetime()))
            .build();
  }

  private static long weigh(TokenKey key, Token token) {
    return RetainedBytes.ENTRY
        + 2 * RetainedBytes.OBJECT
        + RetainedBytes.of(key.registry())
        + RetainedBytes.of(key.realm())
        + RetainedBytes.of(key.service())
        + RetainedBytes.of(key.scope())
        + RetainedBytes.of(key.who())
        + RetainedBytes.of(token.value());
  }

  /**
   * The Authorization header to send before any challenge, when the registry's is known.
   *
   * @param scope the exchange's address scope; told what the challenge's connection showed
   */
  Optional<String> upFront(PullTarget target, AddressPolicy.Scope scope) throws RegistryException {
    KnownChallenge known = challenges.getIfPresent(target.registry());
    if (known == null) {
      return Optional.empty();
    }
    scope.assume(known.registryPrivate());
    AuthChallenge challenge = known.challenge();
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
    return Optional.of("Bearer " + fetchToken(target, challenge, key, scope).value());
  }

  /**
   * After a 401: the Authorization to retry with once, or empty when there is nothing better to
   * send than what was sent.
   */
  Optional<String> answer(
      PullTarget target, Response unauthorized, String sent, AddressPolicy.Scope scope)
      throws RegistryException {
    Optional<AuthChallenge> offered =
        AuthChallenge.choose(unauthorized.headers("WWW-Authenticate"));
    if (offered.isEmpty()) {
      return Optional.empty();
    }
    AuthChallenge challenge = offered.get();
    // Unknown would mean no connection was checked: assume public, the stricter.
    challenges.put(
        target.registry(),
        new KnownChallenge(challenge, Boolean.TRUE.equals(scope.registryPrivate())));
    if (challenge.isBasic()) {
      Optional<String> basic = basic(target);
      return basic.filter(header -> !header.equals(sent));
    }
    TokenKey key = keyFor(target, challenge);
    tokens.invalidate(key);
    String header = "Bearer " + fetchToken(target, challenge, key, scope).value();
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

  private Token fetchToken(
      PullTarget target, AuthChallenge challenge, TokenKey key, AddressPolicy.Scope scope)
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
    // The realm's address is checked on the connection made, against the registry's (scope).
    Request request =
        tokenRequest(target, challenge, realm)
            .newBuilder()
            .tag(AddressPolicy.Scope.class, scope)
            .build();
    String description =
        "token for " + target.pullScope() + " from " + RegistryErrors.redact(realm);
    try {
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
        cause,
        "cannot authenticate");
  }
}
