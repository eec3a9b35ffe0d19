package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.testing.proxy.ConnectProxy;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google identity against a stand-in metadata server (and a stand-in OAuth2 token endpoint for a
 * service account key file) in front of a real registry in token-auth mode, whose token server
 * grants private repositories only to user {@code oauth2accesstoken} with the access token as
 * password.
 */
class GoogleIdentityIT extends PrivateImageFixture {

  private static final String TOKEN_PATH =
      "/computeMetadata/v1/instance/service-accounts/default/token";

  private StandIn metadata;

  @Override
  RegistryServer startRegistry() {
    return RegistryServer.builder(RegistryMode.TOKEN).username(GoogleIdentity.USERNAME).start();
  }

  @BeforeAll
  void startMetadataServer() throws Exception {
    metadata = StandIn.http(this::metadataAnswer);
  }

  @AfterAll
  void stopMetadataServer() throws Exception {
    metadata.close();
  }

  @BeforeEach
  void forgetMetadataRequests() {
    metadata.requests.clear();
  }

  /** The metadata server's token endpoint, which insists on the Metadata-Flavor header. */
  private MockResponse metadataAnswer(RecordedRequest request) {
    if (!"Google".equals(request.getHeaders().get("Metadata-Flavor"))) {
      return StandIn.json(403, "{\"error\":\"Missing Metadata-Flavor:Google header\"}");
    }
    if (!TOKEN_PATH.equals(request.getUrl().encodedPath())) {
      return StandIn.json(404, "{}");
    }
    return StandIn.json(
        200,
        "{\"access_token\":\""
            + registry.password()
            + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
  }

  private GoogleIdentity identity(FakeTicker ticker, Duration timeout) {
    return new GoogleIdentity(
        host -> host.equals(registry.hostPort()),
        new CloudTokenCache(
            "Google",
            GoogleAdcTokens.fromEnvironment(Map.of("GCE_METADATA_HOST", metadata.hostPort())),
            timeout,
            ticker));
  }

  @Test
  void factsOfAPrivateImageAreReadWithTheMetadataServersAccessToken() throws Exception {
    assertAnonymousIsRefused();

    ImageFacts facts = inspect(identity(new FakeTicker(), Duration.ofSeconds(10)));

    assertThat(facts.platforms().get(0).compressedSize())
        .isEqualTo(image.single().compressedSize());
    assertThat(metadata.requests).hasSize(1);
    RecordedRequest asked = metadata.requests.get(0);
    assertThat(asked.getUrl().encodedPath()).isEqualTo(TOKEN_PATH);
    assertThat(asked.getUrl().queryParameter("scopes")).isEqualTo(GoogleAdcTokens.SCOPE);
    assertThat(registry.tokenServer().requests())
        .anySatisfy(r -> assertThat(r.user()).isEqualTo(GoogleIdentity.USERNAME));
    assertNoSecretLogged(registry.password());
  }

  @Test
  void theAccessTokenIsCachedUntilFiveMinutesBeforeItExpiresThenFetchedAgain() {
    FakeTicker ticker = new FakeTicker();
    GoogleIdentity identity = identity(ticker, Duration.ofSeconds(10));

    for (int i = 0; i < 3; i++) {
      assertThat(identity.forRegistry(registry.hostPort()))
          .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo(registry.password()));
    }
    assertThat(metadata.requests).hasSize(1);

    ticker.advance(Duration.ofSeconds(3599).minus(Duration.ofMinutes(6)));
    assertThat(identity.forRegistry(registry.hostPort())).isPresent();
    assertThat(metadata.requests).hasSize(1);

    ticker.advance(Duration.ofMinutes(2));
    assertThat(identity.forRegistry(registry.hostPort())).isPresent();
    assertThat(metadata.requests).hasSize(2);
  }

  @Test
  void registriesOfOtherCloudsNeverReachTheMetadataServer() {
    GoogleIdentity production =
        GoogleIdentity.fromEnvironment(Map.of("GCE_METADATA_HOST", metadata.hostPort()));
    for (String host :
        List.of(
            "index.docker.io",
            "ghcr.io",
            "gcr.io.attacker.example",
            "evilgcr.io",
            "myregistry.azurecr.io",
            "us-docker.pkg.dev:8443",
            registry.hostPort())) {
      assertThat(production.forRegistry(host)).as(host).isEmpty();
    }
    assertThat(metadata.requests).isEmpty();
  }

  @Test
  void aMetadataServerThatHangsCostsALookupOnlyItsTimeoutAndIsNotAskedAgainAtOnce()
      throws Exception {
    try (StandIn hanging =
        StandIn.http(
            request ->
                new MockResponse.Builder()
                    .code(200)
                    .headersDelay(20, TimeUnit.SECONDS)
                    .body("{}")
                    .build())) {
      GoogleIdentity identity =
          new GoogleIdentity(
              host -> true,
              new CloudTokenCache(
                  "Google",
                  GoogleAdcTokens.fromEnvironment(Map.of("GCE_METADATA_HOST", hanging.hostPort())),
                  Duration.ofMillis(300),
                  new FakeTicker()));
      long start = System.nanoTime();
      assertThat(identity.forRegistry("gcr.io")).isEmpty();
      assertThat(identity.forRegistry("gcr.io")).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(hanging.requests).hasSize(1);
    }
  }

  @Test
  void aServiceAccountKeyFileNamedByGoogleApplicationCredentialsIsUsed(@TempDir Path dir)
      throws Exception {
    try (StandIn oauth = oauthTokenEndpoint()) {
      GoogleIdentity identity =
          identity(
              Map.of(
                  "GOOGLE_APPLICATION_CREDENTIALS",
                  serviceAccountKey(dir, oauth).toString(),
                  "GCE_METADATA_HOST",
                  metadata.hostPort()));

      ImageFacts facts = inspect(identity);

      assertThat(facts.platforms()).hasSize(1);
      assertThat(oauth.requests).hasSize(1);
      assertThat(metadata.requests).isEmpty();
    }
  }

  @Test
  void theOAuthTokenEndpointIsReachedThroughTheProxyOfTheEnvironment(@TempDir Path dir)
      throws Exception {
    try (StandIn oauth = oauthTokenEndpoint();
        ConnectProxy proxy = ConnectProxy.start()) {
      // The stand-in speaks http://, so HTTP_PROXY routes it; Google's https:// endpoints take
      // HTTPS_PROXY.
      GoogleIdentity identity =
          identity(
              Map.of(
                  "GOOGLE_APPLICATION_CREDENTIALS",
                  serviceAccountKey(dir, oauth).toString(),
                  "HTTP_PROXY",
                  proxy.url()));

      assertThat(inspect(identity).platforms()).hasSize(1);

      assertThat(proxy.forwardedTo()).containsExactly(oauth.hostPort());
      assertThat(oauth.requests).hasSize(1);
    }
  }

  @Test
  void theMetadataServerIsAlwaysReachedDirectlyWhateverTheProxy() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.start()) {
      GoogleIdentity identity =
          identity(
              Map.of(
                  "GCE_METADATA_HOST",
                  metadata.hostPort(),
                  "HTTP_PROXY",
                  proxy.url(),
                  "HTTPS_PROXY",
                  proxy.url()));

      assertThat(inspect(identity).platforms()).hasSize(1);

      assertThat(metadata.requests).hasSize(1);
      assertThat(proxy.forwardedTo()).isEmpty();
      assertThat(proxy.tunnelledTo()).isEmpty();
    }
  }

  @Test
  void noProxyKeepsTheOAuthTokenEndpointDirect(@TempDir Path dir) throws Exception {
    try (StandIn oauth = oauthTokenEndpoint();
        ConnectProxy proxy = ConnectProxy.start()) {
      GoogleIdentity identity =
          identity(
              Map.of(
                  "GOOGLE_APPLICATION_CREDENTIALS",
                  serviceAccountKey(dir, oauth).toString(),
                  "HTTP_PROXY",
                  proxy.url(),
                  "NO_PROXY",
                  "127.0.0.0/8"));

      assertThat(identity.forRegistry(registry.hostPort())).isPresent();

      assertThat(oauth.requests).hasSize(1);
      assertThat(proxy.forwardedTo()).isEmpty();
    }
  }

  private GoogleIdentity identity(Map<String, String> env) {
    return new GoogleIdentity(
        host -> host.equals(registry.hostPort()),
        new CloudTokenCache(
            "Google",
            GoogleAdcTokens.fromEnvironment(env),
            Duration.ofSeconds(10),
            new FakeTicker()));
  }

  /** An OAuth2 token endpoint granting the registry's password for a JWT bearer assertion. */
  private StandIn oauthTokenEndpoint() throws Exception {
    return StandIn.http(
        request ->
            request.getUrl().encodedPath().equals("/token")
                    && request.getBody().utf8().contains("grant_type=urn")
                ? StandIn.json(
                    200,
                    "{\"access_token\":\""
                        + registry.password()
                        + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                : StandIn.json(400, "{\"error\":\"invalid_grant\"}"));
  }

  /** A service account key file whose token_uri is {@code oauth}'s. */
  private static Path serviceAccountKey(Path dir, StandIn oauth) throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String key =
        "-----BEGIN PRIVATE KEY-----\\n"
            + Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
            + "\\n-----END PRIVATE KEY-----\\n";
    return Files.writeString(
        dir.resolve("key.json"),
        "{\"type\":\"service_account\",\"project_id\":\"p\",\"private_key_id\":\"k1\","
            + "\"private_key\":\""
            + key
            + "\",\"client_email\":\"tonnage@p.iam.gserviceaccount.com\","
            + "\"client_id\":\"1\",\"token_uri\":\"http://"
            + oauth.hostPort()
            + "/token\"}");
  }
}
