package dev.tonnage.registry;

import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.Credentials;

/**
 * Opens {@link HttpURLConnection}s (what the cloud SDKs' token clients speak) through the proxy
 * {@link ProxySettings} picks for each URL, with the same {@code NO_PROXY} rules as registry
 * traffic. The proxy URL's credentials answer that proxy's 407 only, never another host's
 * challenge. The JDK does not send Basic credentials in a CONNECT for https:// URLs unless {@code
 * -Djdk.http.auth.tunneling.disabledSchemes=} is set; registry traffic (okhttp) always does.
 */
public final class ProxiedUrlConnections {

  private final ProxySettings settings;

  public ProxiedUrlConnections(ProxySettings settings) {
    this.settings = settings;
  }

  /**
   * The proxy of a request to {@code uri}: {@link Proxy#NO_PROXY} when it goes direct. Its address
   * is left unresolved, to be looked up when a connection is made, not when a client is built.
   */
  public Proxy proxyFor(URI uri) {
    return proxyOf(settings.proxyFor(uri));
  }

  private static Proxy proxyOf(ProxyEndpoint proxy) {
    return proxy == null
        ? Proxy.NO_PROXY
        : new Proxy(
            Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port()));
  }

  /** A connection to {@code url} through its proxy, with connect and read timeouts. */
  public HttpURLConnection open(URL url, Duration timeout) throws IOException {
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("not a URI: " + url.getProtocol() + "://" + url.getHost(), e);
    }
    ProxyEndpoint proxy = settings.proxyFor(uri);
    // Without proxy variables the JVM's own selector still applies, as for registry traffic.
    HttpURLConnection connection =
        (HttpURLConnection)
            (settings.any() ? url.openConnection(proxyOf(proxy)) : url.openConnection());
    if (proxy != null && proxy.hasCredentials()) {
      connection.setAuthenticator(new ProxyPassword(proxy));
      if ("http".equals(uri.getScheme())) {
        // Sent with the request the proxy forwards (and strips): a 407 cannot be retried once a
        // fixed-length body has been streamed.
        connection.setRequestProperty(
            "Proxy-Authorization",
            Credentials.basic(proxy.username(), proxy.password(), StandardCharsets.UTF_8));
      }
    }
    connection.setConnectTimeout((int) timeout.toMillis());
    connection.setReadTimeout((int) timeout.toMillis());
    return connection;
  }

  /** Answers the challenge of this proxy only; a server's own 401 gets nothing. */
  private static final class ProxyPassword extends Authenticator {
    private final ProxyEndpoint proxy;

    ProxyPassword(ProxyEndpoint proxy) {
      this.proxy = proxy;
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
      boolean ours =
          getRequestorType() == RequestorType.PROXY
              && proxy.host().equalsIgnoreCase(getRequestingHost())
              && proxy.port() == getRequestingPort();
      return ours
          ? new PasswordAuthentication(proxy.username(), proxy.password().toCharArray())
          : null;
    }
  }
}
