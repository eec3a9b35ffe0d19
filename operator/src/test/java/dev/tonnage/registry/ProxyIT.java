package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.proxy.ConnectProxy;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registry traffic through an HTTPS proxy: a CONNECT proxy written for the tests in front of a real
 * registry serving TLS and Basic authentication.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class ProxyIT {

  private static RegistryServer registry;
  private static PushedImage pushed;
  private ConnectProxy proxy;
  private RegistryClient client;

  @BeforeAll
  static void push() {
    registry = RegistryServer.start(RegistryMode.BASIC);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "through a proxy"));
    }
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    proxy.close();
  }

  @Test
  void factsAreReadThroughTheTunnelAndRegistryCredentialsCrossItOnlyInsideTls() throws Exception {
    proxy = ConnectProxy.start();
    ImageFacts facts = inspect(Map.of("HTTPS_PROXY", proxy.url()));

    assertThat(facts.digest()).isEqualTo(pushed.digest());
    assertThat(proxy.tunnelledTo()).isNotEmpty().containsOnly(registry.hostPort());
    assertThat(proxy.proxyAuthorizations()).isEmpty();
    String basic = basic(registry.username(), registry.password());
    assertThat(String.join("\n", proxy.heads())).doesNotContainIgnoringCase("\nAuthorization:");
    assertThat(proxy.capturedTunnelTraffic())
        .isNotEmpty()
        .doesNotContain(basic)
        .doesNotContain(registry.password());
  }

  @Test
  void theProxyUrlsCredentialsGoToTheProxyAsProxyAuthorizationOnly() throws Exception {
    proxy = ConnectProxy.requiringBasic("proxy-user", "proxy-secret");
    ImageFacts facts = inspect(Map.of("https_proxy", proxy.url("proxy-user", "proxy-secret")));

    assertThat(facts.digest()).isEqualTo(pushed.digest());
    assertThat(proxy.proxyAuthorizations())
        .isNotEmpty()
        .containsOnly(basic("proxy-user", "proxy-secret"));
    assertThat(proxy.capturedTunnelTraffic())
        .doesNotContain(basic("proxy-user", "proxy-secret"))
        .doesNotContain("proxy-secret");
  }

  @Test
  void aProxyAskingForCredentialsTheUrlLacksFailsNamingTheProxy() {
    proxy = ConnectProxy.requiringBasic("proxy-user", "proxy-secret");

    assertThatThrownBy(() -> inspect(Map.of("HTTPS_PROXY", proxy.url())))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining(
            "the proxy "
                + proxy.url()
                + " (HTTPS_PROXY) requires authentication (HTTP 407) and its URL has no"
                + " credentials; set HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT")
        .satisfies(e -> assertThat(((UnavailableException) e).temporary()).isFalse());
    assertThat(proxy.tunnelledTo()).isEmpty();
  }

  @Test
  void refusedProxyCredentialsAreNamedWithoutThePassword() {
    proxy = ConnectProxy.requiringBasic("proxy-user", "proxy-secret");

    assertThatThrownBy(() -> inspect(Map.of("HTTPS_PROXY", proxy.url("proxy-user", "wrong-one"))))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining(
            "the proxy "
                + proxy.url()
                + " (HTTPS_PROXY) refused the credentials of its URL (HTTP 407)")
        .hasMessageNotContaining("wrong-one");
    assertThat(proxy.proxyAuthorizations()).containsOnly(basic("proxy-user", "wrong-one"));
  }

  @Test
  void aRegistryListedInNoProxyIsReachedDirectly() throws Exception {
    proxy = ConnectProxy.start();
    String host = registry.hostPort().substring(0, registry.hostPort().lastIndexOf(':'));

    ImageFacts facts =
        inspect(Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "example.com," + host));

    assertThat(facts.digest()).isEqualTo(pushed.digest());
    assertThat(proxy.tunnelledTo()).isEmpty();
  }

  @Test
  void anInsecureRegistryIsAskedThroughHttpProxyAndNeverThroughHttpsProxy() throws Exception {
    proxy = ConnectProxy.start();
    try (RegistryServer plain = RegistryServer.start(RegistryMode.PLAIN)) {
      PushedImage image;
      try (ImageBuilder images = ImageBuilder.forRegistry(plain)) {
        image = images.push("team/plain:1", ImageSpec.singleLayer("a.txt", "in clear"));
      }
      client =
          new RegistryClient(
              RegistryClientConfig.builder()
                  .insecureRegistries(Set.of(plain.hostPort()))
                  .proxies(
                      ProxySettings.fromEnvironment(
                          Map.of("HTTPS_PROXY", "http://127.0.0.1:9", "HTTP_PROXY", proxy.url())))
                  .build(),
              RegistryEventListener.NONE);

      ImageFacts facts =
          client.inspectNow(
              ImageReference.parse(image.reference()),
              InspectRequest.within(Duration.ofSeconds(30)));

      assertThat(facts.digest()).isEqualTo(image.digest());
      assertThat(proxy.forwardedTo()).isNotEmpty().containsOnly(plain.hostPort());
      assertThat(proxy.tunnelledTo()).isEmpty();
    }
  }

  private ImageFacts inspect(Map<String, String> env) throws RegistryException {
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .caBundles(List.of(registry.caCertificateFile()))
                .proxies(ProxySettings.fromEnvironment(env))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)))
                .build(),
            RegistryEventListener.NONE);
    RegistryCredentials credentials =
        host ->
            host.equals(registry.hostPort())
                ? Optional.of(Credential.basic(registry.username(), registry.password()))
                : Optional.empty();
    return client.inspectNow(
        ImageReference.parse(pushed.reference()),
        InspectRequest.of(credentials, Duration.ofSeconds(30)));
  }

  private static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
