package dev.tonnage.registry;

import java.net.URI;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * The proxies registry traffic goes through, as the usual environment variables set them: {@code
 * HTTPS_PROXY} for https:// registries (through a CONNECT tunnel, so TLS runs end to end with the
 * registry), {@code HTTP_PROXY} for registries configured insecure, {@code NO_PROXY} for hosts that
 * go direct. The upper-case name wins over the lower-case one, as in Go.
 *
 * @param httpsProxy the proxy for https:// registries, or null (direct)
 * @param httpProxy the proxy for plain http:// registries, or null (direct)
 * @param noProxy the hosts that go direct whatever the proxies
 */
public record ProxySettings(ProxyEndpoint httpsProxy, ProxyEndpoint httpProxy, NoProxy noProxy) {

  /** No proxy: every registry is reached directly. */
  public static final ProxySettings DIRECT = new ProxySettings(null, null, NoProxy.NONE);

  public ProxySettings {
    noProxy = noProxy == null ? NoProxy.NONE : noProxy;
  }

  /** Reads {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} or their lower-case forms. */
  public static ProxySettings fromEnvironment(Map<String, String> env) {
    ProxyEndpoint https = endpoint(env, "HTTPS_PROXY");
    ProxyEndpoint http = endpoint(env, "HTTP_PROXY");
    String noProxyName = present(env, "NO_PROXY");
    NoProxy noProxy =
        noProxyName == null ? NoProxy.NONE : NoProxy.parse(noProxyName, env.get(noProxyName));
    return https == null && http == null ? DIRECT : new ProxySettings(https, http, noProxy);
  }

  /** Whether any registry goes through a proxy. */
  public boolean any() {
    return httpsProxy != null || httpProxy != null;
  }

  /** The proxy a request to {@code host:port} over {@code scheme} goes through, or null. */
  public ProxyEndpoint proxyFor(String scheme, String host, int port) {
    ProxyEndpoint proxy = "https".equals(scheme) ? httpsProxy : httpProxy;
    return proxy == null || noProxy.bypasses(host, port) ? null : proxy;
  }

  /**
   * The proxy a request to {@code uri} goes through, or null (direct); the port defaults to the
   * scheme's.
   */
  public ProxyEndpoint proxyFor(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String scheme = uri.getScheme();
    int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
    return proxyFor(scheme, host, port);
  }

  /**
   * Routes an okhttp client's connections through these proxies, answering their 407 challenges
   * with the credentials of the proxy's URL; without a proxy the client is left as it is (okhttp
   * then keeps the JVM's default selector, -Dhttps.proxyHost and friends).
   */
  public OkHttpClient.Builder route(OkHttpClient.Builder client) {
    return any()
        ? client
            .proxySelector(new RegistryProxySelector(this))
            .proxyAuthenticator(new ProxyAuthentication(this))
        : client;
  }

  private static ProxyEndpoint endpoint(Map<String, String> env, String upper) {
    String name = present(env, upper);
    return name == null ? null : ProxyEndpoint.parse(name, env.get(name));
  }

  /** The name of the variable set (not blank), upper case first; null when neither is. */
  private static String present(Map<String, String> env, String upper) {
    for (String name : new String[] {upper, upper.toLowerCase(java.util.Locale.ROOT)}) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return name;
      }
    }
    return null;
  }
}
