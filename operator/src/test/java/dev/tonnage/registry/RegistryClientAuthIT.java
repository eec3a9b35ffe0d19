package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryClientAuthIT extends RegistryTestBase {

  private static final Credential ALICE = Credential.basic("alice", "s3cret-pw");
  private final AtomicReference<String> acceptedToken = new AtomicReference<>("good");
  private final AtomicReference<MockResponse> tokenAnswer = new AtomicReference<>();

  private InspectRequest as(Credential credential) {
    return request().withCredentials(host -> Optional.of(credential));
  }

  /** The registry wants Bearer tokens from {@code realm}; its token endpoint lives at /token. */
  private void requireBearer(String realm) {
    registry.intercept =
        request -> {
          if (request.getUrl().encodedPath().equals("/token")) {
            MockResponse answer = tokenAnswer.get();
            return answer != null
                ? answer
                : json("{\"token\":\"" + acceptedToken.get() + "\",\"expires_in\":300}");
          }
          if (("Bearer " + acceptedToken.get()).equals(request.getHeaders().get("Authorization"))) {
            return null;
          }
          return new MockResponse.Builder()
              .code(401)
              .setHeader(
                  "WWW-Authenticate",
                  "Bearer realm=\""
                      + realm
                      + "\",service=\"fixture\",scope=\"repository:fixtures/multi:pull\"")
              .body(FixtureRegistry.resource("errors/unauthorized.json"))
              .build();
        };
  }

  private String realm() {
    return "http://" + host + "/token";
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private List<RecordedRequest> tokenRequests() {
    return registry.requests.stream()
        .filter(r -> r.getUrl().encodedPath().equals("/token"))
        .toList();
  }

  /** Another name for the mock server's host, so a URL on it counts as another host. */
  private String otherHostName() {
    return server.getHostName().equals("localhost") ? "127.0.0.1" : "localhost";
  }

  @Test
  void anonymousBearerFlowThenTokensAreReusedUpFront() throws Exception {
    requireBearer(realm());
    inspect("fixtures/multi:amd64");
    assertThat(events.requests)
        .containsExactly("HEAD 401", "GET 200", "HEAD 200", "GET 200", "GET 200");
    RecordedRequest token = tokenRequests().get(0);
    assertThat(token.getUrl().queryParameter("scope")).isEqualTo("repository:fixtures/multi:pull");
    assertThat(token.getUrl().queryParameter("service")).isEqualTo("fixture");
    assertThat(token.getHeaders().get("Authorization")).isNull();

    events.requests.clear();
    inspect("fixtures/multi:arm64");
    assertThat(events.requests).containsExactly("HEAD 200", "GET 200", "GET 200");
  }

  @Test
  void credentialsGoToTheTokenRealmAndNeverToTheRegistryAsBasic() throws Exception {
    requireBearer(realm());
    client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE));
    assertThat(tokenRequests().get(0).getHeaders().get("Authorization"))
        .isEqualTo(Credentials.basic("alice", "s3cret-pw"));
    assertThat(registry.requests)
        .filteredOn(r -> r.getUrl().encodedPath().startsWith("/v2/"))
        .allSatisfy(
            r ->
                assertThat(String.valueOf(r.getHeaders().get("Authorization")))
                    .doesNotStartWith("Basic"));
  }

  @Test
  void tokensAreKeptPerCredential() throws Exception {
    requireBearer(realm());
    client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE));
    client.inspectNow(ref("fixtures/multi:arm64"), as(Credential.basic("bob", "pw")));
    assertThat(tokenRequests()).hasSize(2);
  }

  @Test
  void anIdentityTokenIsExchangedWithTheOAuth2RefreshGrant() throws Exception {
    requireBearer(realm());
    tokenAnswer.set(json("{\"access_token\":\"good\"}"));
    client.inspectNow(
        ref("fixtures/multi:amd64"), as(Credential.identityToken("<token>", "rt-123")));
    RecordedRequest token = tokenRequests().get(0);
    assertThat(token.getMethod()).isEqualTo("POST");
    assertThat(token.getHeaders().get("Authorization")).isNull();
    assertThat(token.getBody().string(StandardCharsets.UTF_8))
        .contains("grant_type=refresh_token", "refresh_token=rt-123", "service=fixture")
        .contains("scope=repository%3Afixtures%2Fmulti%3Apull");
  }

  @Test
  void anExpiredTokenIsFetchedAgainUpFront() throws Exception {
    requireBearer(realm());
    tokenAnswer.set(json("{\"token\":\"good\",\"expires_in\":1}"));
    inspect("fixtures/multi:amd64");
    assertThat(tokenRequests()).hasSize(1);
    Thread.sleep(1200);
    events.requests.clear();
    inspect("fixtures/multi:arm64");
    assertThat(tokenRequests()).hasSize(2);
    assertThat(events.requests).doesNotContain("HEAD 401");
  }

  @Test
  void aTokenTheRegistryStopsAcceptingIsReplaced() throws Exception {
    requireBearer(realm());
    inspect("fixtures/multi:amd64");
    acceptedToken.set("rotated");
    assertThat(inspect("fixtures/multi:arm64").digest()).isEqualTo(ARM64);
    assertThat(tokenRequests()).hasSize(2);
  }

  @Test
  void aTokenTheRegistryRejectsIsUnauthorizedWithoutLeakingIt() {
    requireBearer(realm());
    tokenAnswer.set(json("{\"token\":\"tok-never-valid\"}"));
    assertThatThrownBy(() -> client.inspectNow(ref("fixtures/multi@" + AMD64), as(ALICE)))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("refused the credentials given")
        .hasMessageContaining("UNAUTHORIZED: authentication required")
        .hasMessageNotContaining("tok-never-valid")
        .hasMessageNotContaining("s3cret-pw");
  }

  @Test
  void aTokenServiceRefusingTheCredentialsIsUnauthorized() {
    requireBearer(realm());
    tokenAnswer.set(
        new MockResponse.Builder().code(401).body("{\"details\":\"incorrect\"}").build());
    assertThatThrownBy(() -> client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE)))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("token service of " + host)
        .hasMessageNotContaining("s3cret-pw");
  }

  @Test
  void anOversizedTokenAnswerIsRefused() {
    requireBearer(realm());
    tokenAnswer.set(json("{\"token\":\"" + "x".repeat(70_000) + "\"}"));
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("larger than 64 KiB");
  }

  @Test
  void aPlainHttpRealmOnAnotherHostIsRefused() {
    requireBearer("http://" + otherHostName() + ":" + server.getPort() + "/token");
    assertThatThrownBy(() -> client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE)))
        .isInstanceOfSatisfying(
            UnavailableException.class, e -> assertThat(e.temporary()).isFalse())
        .hasMessageContaining("is plain HTTP");
    assertThat(tokenRequests()).isEmpty();
  }

  @Test
  void aLinkLocalRealmIsRefused() {
    requireBearer("https://169.254.169.254/token");
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("link-local or cloud metadata");
  }

  @Test
  void basicAuthIsAnsweredOnceThenSentUpFront() throws Exception {
    registry.requireBasic("alice", "s3cret-pw");
    client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE));
    assertThat(events.requests).containsExactly("HEAD 401", "HEAD 200", "GET 200", "GET 200");
    assertThatThrownBy(() -> inspect("fixtures/multi:arm64"))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("refused anonymous access")
        .hasMessageContaining("give credentials for " + host);
  }

  @Test
  void credentialsForAnotherRegistryAreNeverSent() {
    registry.intercept =
        request ->
            new MockResponse.Builder()
                .code(401)
                .setHeader("WWW-Authenticate", "Basic realm=\"r\"")
                .build();
    InspectRequest other =
        request()
            .withCredentials(
                registryHost ->
                    registryHost.equals("other.example") ? Optional.of(ALICE) : Optional.empty());
    assertThatThrownBy(() -> client.inspectNow(ref("fixtures/multi:amd64"), other))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(registry.requests)
        .allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isNull());
  }

  @Test
  void aCrossHostRedirectCarriesNoAuthorizationButKeepsTheRange() throws Exception {
    try (MockWebServer storage = new MockWebServer()) {
      FixtureRegistry blobs = FixtureRegistry.load();
      storage.setDispatcher(blobs);
      storage.start();
      String expected = Credentials.basic("alice", "s3cret-pw");
      String storageBase = "http://" + otherHostName() + ":" + storage.getPort();
      registry.intercept =
          request -> {
            if (!expected.equals(request.getHeaders().get("Authorization"))) {
              return new MockResponse.Builder()
                  .code(401)
                  .setHeader("WWW-Authenticate", "Basic realm=\"r\"")
                  .build();
            }
            String path = request.getUrl().encodedPath();
            return path.contains("/blobs/")
                ? new MockResponse.Builder()
                    .code(307)
                    .setHeader("Location", storageBase + path + "?X-Amz-Signature=sig")
                    .build()
                : null;
          };
      ImageFacts facts =
          client.inspectNow(ref("fixtures/multi:amd64"), as(ALICE).withUncompressed(true));
      assertThat(facts.platforms().get(0).uncompressedSize().bytes()).isEqualTo(5632);
      assertThat(blobs.requests).hasSize(2);
      assertThat(blobs.requests)
          .allSatisfy(r -> assertThat(r.getHeaders().get("Authorization")).isNull());
      assertThat(blobs.requests.get(1).getHeaders().get("Range")).isEqualTo("bytes=2251-2254");
    }
  }

  @Test
  void aRedirectToTheMetadataServiceIsRefused() {
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/blobs/")
                ? new MockResponse.Builder()
                    .code(302)
                    .setHeader("Location", "http://169.254.169.254/latest/meta-data/")
                    .build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOfSatisfying(
            UnavailableException.class, e -> assertThat(e.temporary()).isFalse())
        .hasMessageContaining("169.254.169.254")
        .hasMessageContaining("link-local");
  }

  @Test
  void errorsShowRedirectUrlsWithoutTheirQuery() {
    client(config -> config.retryPolicy(RetryPolicy.none()));
    int closedPort;
    try (MockWebServer closed = new MockWebServer()) {
      closed.start();
      closedPort = closed.getPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String target = "http://" + otherHostName() + ":" + closedPort + "/blob?X-Amz-Signature=s3cr3t";
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/blobs/")
                ? new MockResponse.Builder().code(307).setHeader("Location", target).build()
                : null;
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining(":" + closedPort + "/blob")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void aRegistryOnALinkLocalAddressIsRefusedWithoutConnecting() {
    client(config -> config.insecureRegistries(Set.of("169.254.169.254:5000")));
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> client.inspectNow(ImageReference.parse("169.254.169.254:5000/x:y"), request()))
        .isInstanceOfSatisfying(
            UnavailableException.class, e -> assertThat(e.temporary()).isFalse())
        .hasMessageContaining("link-local");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void plainHttpIsNeverTriedImplicitly() {
    client(config -> config.insecureRegistries(Set.of()).retryPolicy(RetryPolicy.none()));
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(UnavailableException.class);
    assertThat(registry.requests).isEmpty();
  }

  /** Restarts the registry over HTTPS with a private CA; returns the CA bundle. */
  private Path serveOverTls(Path dir) throws Exception {
    TestTls tls = TestTls.create();
    server.close();
    server = new MockWebServer();
    server.useHttps(tls.serverSocketFactory);
    server.setDispatcher(registry);
    server.start();
    host = "localhost:" + server.getPort();
    return tls.writePem(dir);
  }

  @Test
  void tlsWithAPrivateCaNeedsItsBundle(@TempDir Path dir) throws Exception {
    Path pem = serveOverTls(dir);

    client(config -> config.insecureRegistries(Set.of()));
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOfSatisfying(
            UnavailableException.class, e -> assertThat(e.temporary()).isFalse())
        .hasMessageContaining("TLS with " + host)
        .hasMessageContaining("--ca-file");

    client(config -> config.insecureRegistries(Set.of()).caBundles(List.of(pem)));
    assertThat(inspect("fixtures/multi:latest").platforms()).hasSize(2);
  }

  @Test
  void anHttpsRegistryMayNotRedirectToPlainHttp(@TempDir Path dir) throws Exception {
    Path pem = serveOverTls(dir);
    registry.intercept =
        request ->
            request.getUrl().encodedPath().contains("/blobs/")
                ? new MockResponse.Builder()
                    .code(302)
                    .setHeader("Location", "http://localhost:" + server.getPort() + "/plain")
                    .build()
                : null;
    client(config -> config.insecureRegistries(Set.of()).caBundles(List.of(pem)));
    assertThatThrownBy(() -> inspect("fixtures/multi:amd64"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("from HTTPS to plain HTTP");
  }
}
