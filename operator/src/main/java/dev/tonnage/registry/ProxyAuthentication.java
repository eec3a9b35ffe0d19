package dev.tonnage.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * Answers proxies' 407 challenges (and okhttp's pre-emptive one before a CONNECT) with the Basic
 * credentials of that proxy's URL, as {@code Proxy-Authorization}: the credentials go to the proxy
 * that asked and nowhere else. A proxy that asks without credentials configured, or refuses them,
 * fails the request with a {@link ProxyAuthenticationException} naming the proxy (redacted).
 */
final class ProxyAuthentication implements Authenticator {

  /** The challenge okhttp makes up to let a CONNECT carry credentials before the proxy asks. */
  private static final String PREEMPTIVE = "OkHttp-Preemptive";

  /** The proxy asked for credentials Tonnage does not have or refused the ones it sent. */
  static final class ProxyAuthenticationException extends IOException {
    ProxyAuthenticationException(String message) {
      super(message);
    }
  }

  private final ProxySettings settings;

  ProxyAuthentication(ProxySettings settings) {
    this.settings = settings;
  }

  @Override
  public Request authenticate(Route route, Response response) throws IOException {
    ProxyEndpoint proxy = route == null ? null : proxyOf(route.proxy());
    if (proxy == null) {
      return null; // not one of ours: nothing to send
    }
    boolean preemptive = PREEMPTIVE.equalsIgnoreCase(response.header("Proxy-Authenticate"));
    if (!proxy.hasCredentials()) {
      if (preemptive) {
        return null;
      }
      throw new ProxyAuthenticationException(
          "the proxy "
              + proxy.redacted()
              + " ("
              + proxy.variable()
              + ") requires authentication (HTTP 407) and its URL has no credentials; set "
              + proxy.variable()
              + "=http://USER:PASSWORD@HOST:PORT");
    }
    if (response.request().header("Proxy-Authorization") != null) {
      throw new ProxyAuthenticationException(
          "the proxy "
              + proxy.redacted()
              + " ("
              + proxy.variable()
              + ") refused the credentials of its URL (HTTP 407); check the user and password in "
              + proxy.variable());
    }
    return response
        .request()
        .newBuilder()
        .header(
            "Proxy-Authorization",
            Credentials.basic(proxy.username(), proxy.password(), StandardCharsets.UTF_8))
        .build();
  }

  private ProxyEndpoint proxyOf(Proxy proxy) {
    if (proxy.type() != Proxy.Type.HTTP
        || !(proxy.address() instanceof InetSocketAddress address)) {
      return null;
    }
    for (ProxyEndpoint candidate :
        new ProxyEndpoint[] {settings.httpsProxy(), settings.httpProxy()}) {
      if (candidate != null
          && candidate.host().equalsIgnoreCase(address.getHostString())
          && candidate.port() == address.getPort()) {
        return candidate;
      }
    }
    return null;
  }
}
