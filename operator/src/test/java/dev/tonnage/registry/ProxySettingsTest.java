package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

  @Test
  void withoutProxyVariablesEveryRegistryIsDirect() {
    assertThat(ProxySettings.fromEnvironment(Map.of("NO_PROXY", "example.com")))
        .isSameAs(ProxySettings.DIRECT);
    assertThat(ProxySettings.DIRECT.any()).isFalse();
  }

  @Test
  void httpsRegistriesUseHttpsProxyAndInsecureOnesHttpProxyTheUpperCaseNameWinning() {
    ProxySettings settings =
        ProxySettings.fromEnvironment(
            Map.of(
                "HTTPS_PROXY", "http://secure.proxy:3128",
                "https_proxy", "http://ignored.proxy:1",
                "http_proxy", "plain.proxy"));

    assertThat(settings.proxyFor("https", "ghcr.io", 443).redacted())
        .isEqualTo("http://secure.proxy:3128");
    assertThat(settings.proxyFor("http", "registry.local", 5000).redacted())
        .isEqualTo("http://plain.proxy:80");
    assertThat(settings.proxyFor("http", "registry.local", 5000).variable())
        .isEqualTo("http_proxy");
  }

  @Test
  void noProxyMatchesHostsDomainsPortsAddressesAndNetworksAsGoDoes() {
    NoProxy noProxy =
        NoProxy.parse(
            "NO_PROXY",
            " example.com, .svc,*.cluster.local,registry.corp:5000,10.96.0.0/12,"
                + "192.168.1.7,[fd00::1]:443,::1");

    assertThat(noProxy.bypasses("example.com", 443)).isTrue();
    assertThat(noProxy.bypasses("mirror.example.com", 443)).isTrue();
    assertThat(noProxy.bypasses("notexample.com", 443)).isFalse();
    assertThat(noProxy.bypasses("svc", 443)).isFalse();
    assertThat(noProxy.bypasses("kubernetes.default.svc", 443)).isTrue();
    assertThat(noProxy.bypasses("registry.ns.svc.cluster.local.", 443)).isTrue();
    assertThat(noProxy.bypasses("registry.corp", 5000)).isTrue();
    assertThat(noProxy.bypasses("registry.corp", 443)).isFalse();
    assertThat(noProxy.bypasses("10.96.0.1", 443)).isTrue();
    assertThat(noProxy.bypasses("10.112.0.1", 443)).isFalse();
    assertThat(noProxy.bypasses("192.168.1.7", 8443)).isTrue();
    assertThat(noProxy.bypasses("fd00::1", 443)).isTrue();
    assertThat(noProxy.bypasses("fd00::1", 80)).isFalse();
    assertThat(noProxy.bypasses("::1", 80)).isTrue();
    assertThat(noProxy.bypasses("127.0.0.1", 80)).as("loopback is not implied").isFalse();
    assertThat(NoProxy.parse("no_proxy", "*").bypasses("anything.at.all", 1)).isTrue();
  }

  @Test
  void theSelectorSendsNoProxyHostsDirectAndTheRestToTheUnresolvedProxy() {
    ProxySettings settings =
        ProxySettings.fromEnvironment(
            Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", ".corp"));
    RegistryProxySelector selector = new RegistryProxySelector(settings);

    assertThat(selector.select(URI.create("https://registry.corp/v2/")))
        .containsExactly(Proxy.NO_PROXY);
    Proxy proxy = selector.select(URI.create("https://ghcr.io/v2/")).get(0);
    assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
    InetSocketAddress address = (InetSocketAddress) proxy.address();
    assertThat(address.isUnresolved()).isTrue();
    assertThat(address.getHostString()).isEqualTo("proxy.corp");
    assertThat(address.getPort()).isEqualTo(3128);
    assertThat(selector.select(URI.create("http://insecure.local:5000/v2/")))
        .containsExactly(Proxy.NO_PROXY);
  }

  @Test
  void aUrisProxyTakesItsSchemesDefaultPortAndBracketedAddressIntoAccount() {
    ProxySettings settings =
        ProxySettings.fromEnvironment(
            Map.of(
                "HTTPS_PROXY", "http://proxy.corp:3128",
                "NO_PROXY", "[fd00::1]:443,sts.internal:80"));

    assertThat(settings.proxyFor(URI.create("https://[fd00::1]/token"))).isNull();
    assertThat(settings.proxyFor(URI.create("https://[fd00::1]:8443/token"))).isNotNull();
    assertThat(settings.proxyFor(URI.create("https://sts.internal/")).redacted())
        .isEqualTo("http://proxy.corp:3128");
    assertThat(settings.proxyFor(URI.create("http://sts.internal/")))
        .as("no HTTP_PROXY: http:// goes direct")
        .isNull();
    assertThat(settings.proxyFor(URI.create("mailto:someone"))).isNull();
  }

  @Test
  void urlConnectionsGoThroughTheSameProxyAsRegistryTrafficOrDirect() throws Exception {
    ProxiedUrlConnections connections =
        new ProxiedUrlConnections(
            ProxySettings.fromEnvironment(
                Map.of("HTTPS_PROXY", "http://u:secret@proxy.corp:3128", "NO_PROXY", ".corp")));

    assertThat(connections.proxyFor(URI.create("https://login.registry.corp/")))
        .isEqualTo(Proxy.NO_PROXY);
    Proxy proxy = connections.proxyFor(URI.create("https://sts.amazonaws.com/"));
    InetSocketAddress address = (InetSocketAddress) proxy.address();
    assertThat(address.isUnresolved()).isTrue();
    assertThat(address.getHostString()).isEqualTo("proxy.corp");
    assertThat(address.getPort()).isEqualTo(3128);
    java.net.HttpURLConnection connection =
        connections.open(
            URI.create("https://sts.amazonaws.com/").toURL(), java.time.Duration.ofSeconds(3));
    assertThat(connection.getConnectTimeout()).isEqualTo(3000);
    assertThat(connection.getReadTimeout()).isEqualTo(3000);
  }

  @Test
  void proxyCredentialsAreDecodedAndNeverShown() {
    ProxyEndpoint proxy =
        ProxyEndpoint.parse("HTTPS_PROXY", "http://us%40er:p%3Ass+w0rd@[fd00::5]:8080/");

    assertThat(proxy.username()).isEqualTo("us@er");
    assertThat(proxy.password()).isEqualTo("p:ss+w0rd");
    assertThat(proxy.redacted()).isEqualTo("http://[fd00::5]:8080");
    assertThat(proxy.toString()).isEqualTo("HTTPS_PROXY=http://[fd00::5]:8080");
    assertThat(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://u:secret@p:1")))
        .asString()
        .doesNotContain("secret");
  }

  @Test
  void unusableProxyValuesAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> ProxyEndpoint.parse("HTTPS_PROXY", "https://u:secret@proxy:443"))
        .hasMessage(
            "HTTPS_PROXY is not a usable proxy URL: its scheme is https; Tonnage speaks to proxies"
                + " over plain http:// only; expected http://[USER:PASSWORD@]HOST[:PORT]");
    assertThatThrownBy(() -> ProxyEndpoint.parse("HTTPS_PROXY", "socks5://u:secret@proxy:1080"))
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ProxyEndpoint.parse("HTTP_PROXY", "http://u:secret@proxy:1/path"))
        .hasMessageContaining("no path")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> NoProxy.parse("NO_PROXY", "10.0.0.0/33"))
        .hasMessage(
            "NO_PROXY entry \"10.0.0.0/33\" is not a host, .domain, host:port, IP address or CIDR"
                + " (e.g. 10.0.0.0/8)");
    assertThatThrownBy(() -> NoProxy.parse("NO_PROXY", "a,".repeat(NoProxy.MAX_ENTRIES + 1)))
        .hasMessageContaining("more than " + NoProxy.MAX_ENTRIES + " entries");
  }
}
