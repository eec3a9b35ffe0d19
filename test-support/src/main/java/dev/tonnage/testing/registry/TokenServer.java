package dev.tonnage.testing.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.tls.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Docker registry token server (the realm of a {@code Bearer} challenge) on 127.0.0.1: {@code GET
 * /token?service=S&scope=repository:NAME:pull,push} with optional Basic credentials answers {@code
 * {"token","access_token","expires_in","issued_at"}}; {@code POST /token} takes an OAuth2
 * refresh-token grant of a refresh token from ACR's {@link #EXCHANGE_PATH}, when enabled by {@link
 * #acceptExchangeOf}. Access follows {@link TokenAccessPolicy}. Every request is recorded so tests
 * can assert token caching.
 */
public final class TokenServer implements ComponentLogs, AutoCloseable {

  public static final String PATH = "/token";

  /**
   * ACR's token exchange: an access token from the cloud's identity service for a refresh token.
   */
  public static final String EXCHANGE_PATH = "/oauth2/exchange";

  /** How long refresh tokens from {@link #EXCHANGE_PATH} live (ACR's: three hours). */
  public static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofHours(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Settings settings;
  private final TokenSigner signer;
  private final Server server;
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private final String realm;
  private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
  private final List<Fields> exchanges = new CopyOnWriteArrayList<>();
  private volatile Predicate<String> exchangeAccepts = accessToken -> false;

  /**
   * How the token server behaves.
   *
   * @param service the {@code service} (token audience) the registry is configured with
   * @param issuer the {@code iss} claim the registry trusts
   * @param username the user allowed everything
   * @param password that user's password
   * @param tokenLifetime {@code expires_in} of issued tokens
   * @param tlsCertificate serves HTTPS with it, or plain HTTP when null
   * @param signingCertificate an RSA certificate whose key signs the tokens
   */
  public record Settings(
      String service,
      String issuer,
      String username,
      String password,
      Duration tokenLifetime,
      IssuedCertificate tlsCertificate,
      IssuedCertificate signingCertificate) {

    public Settings {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(tokenLifetime, "tokenLifetime");
      Objects.requireNonNull(signingCertificate, "signingCertificate");
    }
  }

  private TokenServer(Settings settings) {
    this.settings = settings;
    this.signer = new TokenSigner(settings.signingCertificate());
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("token-server");
    threads.setDaemon(true);
    this.server = new Server(threads);
    ServerConnector connector = connector(server, settings.tlsCertificate());
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new TokenHandler());
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      throw new IllegalStateException("cannot start the token server", e);
    }
    this.realm =
        (settings.tlsCertificate() == null ? "http" : "https")
            + "://127.0.0.1:"
            + connector.getLocalPort()
            + PATH;
  }

  /** Starts the server on a free port of 127.0.0.1; ready when this returns. */
  public static TokenServer start(Settings settings) {
    return new TokenServer(settings);
  }

  /** The URL to configure as {@code auth.token.realm}. */
  public String realm() {
    return realm;
  }

  public String service() {
    return settings.service();
  }

  public String issuer() {
    return settings.issuer();
  }

  /**
   * Answers {@code POST} {@link #EXCHANGE_PATH} as ACR does: an access token {@code accepted}
   * allows becomes a refresh token, which {@code POST /token} then takes as a refresh-token grant
   * of the configured user.
   */
  public void acceptExchangeOf(Predicate<String> accepted) {
    this.exchangeAccepts = Objects.requireNonNull(accepted, "accepted");
  }

  /** The URL of the token exchange. */
  public String exchangeUrl() {
    return realm.substring(0, realm.length() - PATH.length()) + EXCHANGE_PATH;
  }

  /** The form fields of each exchange request so far (access tokens included), oldest first. */
  public List<Fields> exchanges() {
    return List.copyOf(exchanges);
  }

  /** How many token requests arrived, whatever their outcome. */
  public int requestCount() {
    return requests.size();
  }

  /** The requests answered so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the recorded requests, e.g. after a test's setup pushed its images. */
  public void clearRequests() {
    requests.clear();
  }

  @Override
  public String componentName() {
    return "token server " + realm;
  }

  @Override
  public String logs() {
    return requests.stream()
        .map(
            r ->
                r.at()
                    + " user="
                    + (r.user() == null ? "(anonymous)" : r.user())
                    + " service="
                    + r.service()
                    + " scopes="
                    + r.scopes()
                    + " -> "
                    + r.status()
                    + " granted="
                    + r.granted())
        .collect(Collectors.joining("\n", "", requests.isEmpty() ? "(no token requests)" : "\n"));
  }

  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping a test server; nothing left to do about a failure
    }
  }

  private static ServerConnector connector(Server server, IssuedCertificate tls) {
    if (tls == null) {
      return new ServerConnector(server);
    }
    char[] password = UUID.randomUUID().toString().toCharArray();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(tls.toKeyStore(password));
    ssl.setKeyStorePassword(new String(password));
    HttpConfiguration http = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    return new ServerConnector(server, ssl, new HttpConnectionFactory(http));
  }

  private final class TokenHandler extends Handler.Abstract {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      if (EXCHANGE_PATH.equals(path) && HttpMethod.POST.is(request.getMethod())) {
        return exchange(request, response, callback);
      }
      if (!PATH.equals(path)) {
        return respondError(response, callback, 404, "NOT_FOUND", "the token endpoint is " + PATH);
      }
      boolean refreshGrant = HttpMethod.POST.is(request.getMethod());
      if (!refreshGrant && !HttpMethod.GET.is(request.getMethod())) {
        return respondError(response, callback, 405, "UNSUPPORTED", "only GET and POST");
      }
      Fields query = refreshGrant ? form(request) : Request.extractQueryParameters(request);
      String service = query.getValue("service");
      List<String> scopes = new ArrayList<>();
      for (String value : query.getValuesOrEmpty("scope")) {
        for (String scope : value.trim().split(" +")) {
          if (!scope.isEmpty()) {
            scopes.add(scope);
          }
        }
      }
      String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      Instant now = Instant.now();
      String user;
      if (refreshGrant) {
        if (!"refresh_token".equals(query.getValue("grant_type"))
            || !refreshTokens.contains(String.valueOf(query.getValue("refresh_token")))) {
          requests.add(new TokenRequest(now, null, service, scopes, 401, List.of()));
          return respondError(
              response, callback, 401, "UNAUTHORIZED", "unknown refresh token or grant type");
        }
        user = settings.username();
      } else if (authorization == null) {
        user = null;
      } else if (isConfiguredUser(authorization)) {
        user = settings.username();
      } else {
        requests.add(new TokenRequest(now, null, service, scopes, 401, List.of()));
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\"");
        return respondError(response, callback, 401, "UNAUTHORIZED", "invalid credentials");
      }
      if (!settings.service().equals(service)) {
        requests.add(new TokenRequest(now, user, service, scopes, 400, List.of()));
        return respondError(
            response,
            callback,
            400,
            "INVALID_REQUEST",
            "unknown service \"" + service + "\", expected \"" + settings.service() + "\"");
      }
      List<ResourceAccess> granted;
      try {
        granted =
            TokenAccessPolicy.grant(user, scopes.stream().map(ResourceAccess::parseScope).toList());
      } catch (IllegalArgumentException e) {
        requests.add(new TokenRequest(now, user, service, scopes, 400, List.of()));
        return respondError(response, callback, 400, "INVALID_REQUEST", e.getMessage());
      }
      String token = signer.sign(claims(user, granted, now));
      requests.add(new TokenRequest(now, user, service, scopes, 200, granted));
      ObjectNode body = JSON.createObjectNode();
      body.put("token", token);
      body.put("access_token", token);
      body.put("expires_in", settings.tokenLifetime().toSeconds());
      body.put(
          "issued_at", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
      return respond(response, callback, 200, body);
    }

    private boolean exchange(Request request, Response response, Callback callback) {
      Fields form = form(request);
      exchanges.add(form);
      String accessToken = form.getValue("access_token");
      if (!"access_token".equals(form.getValue("grant_type"))
          || accessToken == null
          || !exchangeAccepts.test(accessToken)) {
        return respondError(response, callback, 401, "UNAUTHORIZED", "access token refused");
      }
      Instant now = Instant.now();
      ObjectNode claims = JSON.createObjectNode();
      claims.put("iss", settings.issuer());
      claims.put("aud", form.getValue("service"));
      claims.put("exp", now.plus(REFRESH_TOKEN_LIFETIME).getEpochSecond());
      claims.put("jti", UUID.randomUUID().toString());
      String refreshToken = signer.sign(claims);
      refreshTokens.add(refreshToken);
      ObjectNode body = JSON.createObjectNode();
      body.put("refresh_token", refreshToken);
      return respond(response, callback, 200, body);
    }

    private Fields form(Request request) {
      try {
        return FormFields.getFields(request);
      } catch (RuntimeException e) {
        return new Fields();
      }
    }

    private boolean isConfiguredUser(String authorization) {
      if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        return false;
      }
      byte[] expected =
          (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8);
      try {
        byte[] given = Base64.getDecoder().decode(authorization.substring(6).trim());
        return MessageDigest.isEqual(expected, given);
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }

    private ObjectNode claims(String user, List<ResourceAccess> granted, Instant now) {
      long issuedAt = now.getEpochSecond();
      ObjectNode claims = JSON.createObjectNode();
      claims.put("iss", settings.issuer());
      claims.put("sub", user == null ? "" : user);
      claims.put("aud", settings.service()); // distribution 2.8 reads aud as one string
      claims.put("exp", issuedAt + settings.tokenLifetime().toSeconds());
      claims.put("nbf", issuedAt);
      claims.put("iat", issuedAt);
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (ResourceAccess entry : granted) {
        ObjectNode node = access.addObject();
        node.put("type", entry.type());
        node.put("name", entry.name());
        ArrayNode actions = node.putArray("actions");
        entry.actions().forEach(actions::add);
      }
      return claims;
    }

    private boolean respondError(
        Response response, Callback callback, int status, String code, String message) {
      ObjectNode body = JSON.createObjectNode();
      ObjectNode error = body.putArray("errors").addObject();
      error.put("code", code);
      error.put("message", message);
      return respond(response, callback, status, body);
    }

    private boolean respond(Response response, Callback callback, int status, ObjectNode body) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      Content.Sink.write(response, true, body.toString(), callback);
      return true;
    }
  }
}
