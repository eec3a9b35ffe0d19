package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.Credential;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ProxiedUrlConnections;
import dev.tonnage.registry.ProxySettings;
import dev.tonnage.testing.proxy.ConnectProxy;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.registry.TokenRequest;
import dev.tonnage.testing.tls.CertificateAuthority;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.X509TrustManager;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure workload identity against a stand-in Entra ID authority (HTTPS) and ACR's token exchange
 * (played by the test token server), in front of a real registry in token-auth mode whose token
 * server grants private repositories to the refresh tokens it exchanged.
 */
class AzureIdentityIT extends PrivateImageFixture {

  private static final String CLIENT_ID = "3f1d5c2a-client";
  private static final String TENANT_ID = "72f988bf-tenant";
  private static final String TOKEN_PATH = "/" + TENANT_ID + "/oauth2/v2.0/token";
  private static final String ENTRA_TOKEN = "entra-" + UUID.randomUUID();

  private CertificateAuthority authorityCa;
  private StandIn authority;
  private Path federatedTokenFile;

  @Override
  RegistryServer startRegistry() {
    RegistryServer server = RegistryServer.start(RegistryMode.TOKEN);
    server.tokenServer().acceptExchangeOf(ENTRA_TOKEN::equals);
    return server;
  }

  @BeforeAll
  void startAuthority(@TempDir Path dir) throws Exception {
    authorityCa = CertificateAuthority.create("stand-in Entra ID CA");
    authority = StandIn.https(authorityCa, this::authorityAnswer);
    federatedTokenFile = Files.writeString(dir.resolve("azure-identity-token"), "sa-token-1\n");
  }

  @AfterAll
  void stopAuthority() throws Exception {
    authority.close();
  }

  @BeforeEach
  void forgetAuthorityRequests() {
    authority.requests.clear();
  }

  /**
   * The authority's token endpoint: a client-credentials grant with the federated token as client
   * assertion. Tokens live two minutes, so msal4j asks again at every refresh.
   */
  private MockResponse authorityAnswer(RecordedRequest request) {
    if (!TOKEN_PATH.equals(request.getUrl().encodedPath()) || !"POST".equals(request.getMethod())) {
      return StandIn.json(404, "{\"error\":\"not_found\"}");
    }
    Map<String, String> form = form(request);
    if (!CLIENT_ID.equals(form.get("client_id"))
        || !"client_credentials".equals(form.get("grant_type"))
        || !String.valueOf(form.get("client_assertion")).startsWith("sa-token-")) {
      return StandIn.json(401, "{\"error\":\"invalid_client\"}");
    }
    return StandIn.json(
        200,
        "{\"token_type\":\"Bearer\",\"expires_in\":120,\"ext_expires_in\":120,"
            + "\"access_token\":\""
            + ENTRA_TOKEN
            + "\"}");
  }

  private static Map<String, String> form(RecordedRequest request) {
    HttpUrl parsed = HttpUrl.get("http://form/?" + request.getBody().utf8());
    Map<String, String> form = new HashMap<>();
    for (String name : parsed.queryParameterNames()) {
      form.put(name, parsed.queryParameter(name));
    }
    return form;
  }

  private Map<String, String> env() {
    return Map.of(
        "AZURE_CLIENT_ID",
        CLIENT_ID,
        "AZURE_TENANT_ID",
        TENANT_ID,
        "AZURE_FEDERATED_TOKEN_FILE",
        federatedTokenFile.toString(),
        "AZURE_AUTHORITY_HOST",
        "https://" + authority.hostPort() + "/");
  }

  private AzureIdentity identity(FakeTicker ticker) {
    return identity(ticker, env());
  }

  /** The identity of {@code env}, trusting the stand-in authority's and the registry's CAs. */
  private AzureIdentity identity(FakeTicker ticker, Map<String, String> env) {
    WorkloadIdentity settings = WorkloadIdentity.fromEnvironment(env).orElseThrow();
    ProxySettings proxies = ProxySettings.fromEnvironment(env);
    X509TrustManager registryTrust = TrustedCertificates.trustManager(registry.caCertificate());
    OkHttpClient trustingRegistry =
        new OkHttpClient.Builder()
            .sslSocketFactory(
                TrustedCertificates.sslContext(registryTrust).getSocketFactory(), registryTrust)
            .build();
    Duration timeout = Duration.ofSeconds(10);
    return new AzureIdentity(
        host -> host.equals(registry.hostPort()),
        new CloudTokenCache(
            "Azure",
            AzureIdentity.tokenSource(
                settings,
                new EntraTokens(
                    settings,
                    authorityCa.clientSslContext().getSocketFactory(),
                    timeout,
                    new ProxiedUrlConnections(proxies)),
                new AcrTokenExchange(
                    host -> HttpUrl.get(registry.tokenServer().exchangeUrl()),
                    timeout,
                    trustingRegistry,
                    proxies)),
            timeout,
            ticker));
  }

  @Test
  void factsOfAPrivateImageAreReadWithTheRefreshTokenTheRegistryExchangedForTheEntraToken()
      throws Exception {
    assertAnonymousIsRefused();
    int exchangesBefore = registry.tokenServer().exchanges().size();
    registry.tokenServer().clearRequests();
    AzureIdentity identity = identity(new FakeTicker());

    ImageFacts facts = inspect(identity);

    assertThat(facts.platforms().get(0).compressedSize())
        .isEqualTo(image.single().compressedSize());
    assertThat(authority.requests).hasSize(1);
    Map<String, String> grant = form(authority.requests.get(0));
    assertThat(grant)
        .containsEntry("client_assertion", "sa-token-1")
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assertThat(grant.get("scope")).contains(EntraTokens.ACR_SCOPE);
    List<Fields> exchanges = registry.tokenServer().exchanges();
    assertThat(exchanges).hasSize(exchangesBefore + 1);
    Fields exchange = exchanges.get(exchanges.size() - 1);
    assertThat(exchange.getValue("grant_type")).isEqualTo("access_token");
    assertThat(exchange.getValue("service")).isEqualTo(registry.hostPort());
    assertThat(exchange.getValue("tenant")).isEqualTo(TENANT_ID);
    assertThat(exchange.getValue("access_token")).isEqualTo(ENTRA_TOKEN);
    assertThat(registry.tokenServer().requests())
        .extracting(TokenRequest::user)
        .containsOnly(registry.username());
    Credential credential = identity.forRegistry(registry.hostPort()).orElseThrow();
    assertThat(credential.username()).isEqualTo(AzureIdentity.USERNAME);
    assertNoSecretLogged(ENTRA_TOKEN, credential.identityToken(), "sa-token-1");
  }

  @Test
  void theRefreshTokenIsCachedUntilNearExpiryThenTheRotatedFederatedTokenIsExchangedAgain()
      throws Exception {
    FakeTicker ticker = new FakeTicker();
    AzureIdentity identity = identity(ticker);
    int exchangesBefore = registry.tokenServer().exchanges().size();
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(identity.forRegistry(registry.hostPort()).orElseThrow().identityToken());
    }
    assertThat(seen).containsOnly(seen.get(0));
    assertThat(authority.requests).hasSize(1);
    assertThat(registry.tokenServer().exchanges()).hasSize(exchangesBefore + 1);

    Files.writeString(federatedTokenFile, "sa-token-2\n"); // the kubelet rotated it
    ticker.advance(Duration.ofHours(3));

    String refreshed = identity.forRegistry(registry.hostPort()).orElseThrow().identityToken();
    assertThat(refreshed).isNotEqualTo(seen.get(0));
    assertThat(registry.tokenServer().exchanges()).hasSize(exchangesBefore + 2);
    assertThat(authority.requests).hasSize(2);
    assertThat(form(authority.requests.get(1))).containsEntry("client_assertion", "sa-token-2");
    Files.writeString(federatedTokenFile, "sa-token-1\n");
  }

  @Test
  void theAuthorityAndTheExchangeAreReachedThroughTheHttpsProxyOfTheEnvironment() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.start()) {
      Map<String, String> env = new HashMap<>(env());
      env.put("HTTPS_PROXY", proxy.url());
      AzureIdentity identity = identity(new FakeTicker(), env);

      assertThat(inspect(identity).platforms()).hasSize(1);

      assertThat(proxy.tunnelledTo())
          .as("Entra ID, then the registry's exchange")
          .containsExactly(authority.hostPort(), exchangeHostPort());
      assertThat(authority.requests).hasSize(1);
      assertThat(proxy.capturedTunnelTraffic())
          .as("tokens cross the proxy inside TLS only")
          .doesNotContain(ENTRA_TOKEN, "sa-token-1");
    }
  }

  @Test
  void noProxyKeepsTheAuthorityDirectAndTheExchangeAnswersTheProxysChallenge() throws Exception {
    String password = "proxy-" + UUID.randomUUID();
    try (ConnectProxy proxy = ConnectProxy.requiringBasic("tonnage", password)) {
      Map<String, String> env = new HashMap<>(env());
      env.put("HTTPS_PROXY", proxy.url("tonnage", password));
      env.put("NO_PROXY", authority.hostPort());
      AzureIdentity identity = identity(new FakeTicker(), env);

      assertThat(identity.forRegistry(registry.hostPort())).isPresent();

      assertThat(authority.requests).hasSize(1);
      assertThat(proxy.tunnelledTo()).containsExactly(exchangeHostPort());
      assertThat(proxy.proxyAuthorizations()).isNotEmpty().allMatch(a -> a.startsWith("Basic "));
      assertNoSecretLogged(password);
    }
  }

  private String exchangeHostPort() {
    HttpUrl exchange = HttpUrl.get(registry.tokenServer().exchangeUrl());
    return exchange.host() + ":" + exchange.port();
  }

  @Test
  void registriesOfOtherCloudsNeverReachTheAuthorityNorAnExchange() {
    int exchangesBefore = registry.tokenServer().exchanges().size();
    AzureIdentity production = AzureIdentity.fromEnvironment(env());
    for (String host :
        List.of(
            "index.docker.io",
            "gcr.io",
            "myregistry.azurecr.io.attacker.example",
            "a.b.azurecr.io",
            "myregistry.azurecr.io:8443",
            registry.hostPort())) {
      assertThat(production.forRegistry(host)).as(host).isEmpty();
    }
    assertThat(AzureIdentity.fromEnvironment(Map.of()).forRegistry("myregistry.azurecr.io"))
        .isEmpty();
    assertThat(authority.requests).isEmpty();
    assertThat(registry.tokenServer().exchanges()).hasSize(exchangesBefore);
  }

  @Test
  void aRefusedExchangeYieldsNoCredentialIsNotRetriedAtOnceAndLogsNoSecret() throws Exception {
    registry.tokenServer().acceptExchangeOf(token -> false);
    try {
      AzureIdentity identity = identity(new FakeTicker());
      int exchangesBefore = registry.tokenServer().exchanges().size();
      assertThat(identity.forRegistry(registry.hostPort())).isEmpty();
      assertThat(identity.forRegistry(registry.hostPort())).isEmpty();
      assertThat(registry.tokenServer().exchanges()).hasSize(exchangesBefore + 1);
      assertThat(logs.list)
          .anySatisfy(
              event ->
                  assertThat(event.getFormattedMessage())
                      .contains("token exchange of " + registry.hostPort())
                      .contains("HTTP 401"));
      assertNoSecretLogged(ENTRA_TOKEN, "sa-token-1");
    } finally {
      registry.tokenServer().acceptExchangeOf(ENTRA_TOKEN::equals);
    }
  }
}
