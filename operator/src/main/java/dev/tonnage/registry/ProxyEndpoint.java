package dev.tonnage.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP proxy from {@code HTTPS_PROXY} or {@code HTTP_PROXY}: where it is and the credentials in
 * its URL's userinfo, which go to this proxy only (as {@code Proxy-Authorization}). {@link
 * #toString()} and {@link #redacted()} never show the credentials.
 *
 * @param variable the environment variable it came from, named in errors
 * @param host the proxy's host
 * @param port the proxy's port (80 when the URL has none, as curl and Go assume)
 * @param username user for Basic proxy authentication, or null
 * @param password its password, or null
 */
public record ProxyEndpoint(
    String variable, String host, int port, String username, String password) {

  /** Longest proxy URL read: a URL longer than this is a mistake, not a proxy. */
  public static final int MAX_URL_LENGTH = 2048;

  public ProxyEndpoint {
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(host, "host");
  }

  /**
   * Parses {@code http://[user:password@]host[:port][/]}; a URL without a scheme is taken as {@code
   * http://}. Proxies spoken to over TLS ({@code https://}) or SOCKS are refused with a message
   * saying so.
   */
  public static ProxyEndpoint parse(String variable, String value) {
    String text = value.trim();
    if (text.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException(
          variable + " is longer than " + MAX_URL_LENGTH + " characters; expected a proxy URL");
    }
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(variable, "it is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw invalid(
          variable,
          "its scheme is " + scheme + "; Tonnage speaks to proxies over plain http:// only");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalid(variable, "it names no host");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(variable, "a proxy URL has no path, query or fragment");
    }
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ProxyEndpoint(
        variable,
        host.toLowerCase(Locale.ROOT),
        uri.getPort() < 0 ? 80 : uri.getPort(),
        username,
        password);
  }

  /** Whether the URL carried credentials for the proxy. */
  public boolean hasCredentials() {
    return username != null;
  }

  /** {@code http://host:port}, as errors and logs show it: never the credentials. */
  public String redacted() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + shownHost + ":" + port;
  }

  @Override
  public String toString() {
    return variable + "=" + redacted();
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Never echoes the value: it may hold a password. */
  private static IllegalArgumentException invalid(String variable, String why) {
    return new IllegalArgumentException(
        variable
            + " is not a usable proxy URL: "
            + why
            + "; expected http://[USER:PASSWORD@]HOST[:PORT]");
  }
}
