package dev.tonnage.registry;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.Connection;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;

/**
 * Which addresses Tonnage may connect to. Link-local and cloud metadata addresses are refused
 * unless allowed (a registry name, redirect or token realm must never reach the node's metadata
 * service), in every form that reaches them: plain, IPv4-mapped, IPv4-compatible, NAT64 and 6to4.
 * Redirects and token realms of a registry on a public address may not point at private or loopback
 * addresses unless allowed.
 *
 * <p>Every check looks at the address okhttp actually connects to, never at a second lookup of its
 * own (a DNS answer that changes between check and connect would slip past): names are checked in
 * the {@link #dns()} okhttp resolves through, IP literals by {@link #literalGuard()} before any
 * connection, and {@link #connectedGuard()} checks the socket address of the connection a request
 * is about to be written to — pooled connections included, which okhttp reuses without resolving
 * again — before a single byte of the request leaves.
 */
public final class AddressPolicy {

  /** A connection refused by this policy; never retried. */
  static final class RefusedAddressException extends UnknownHostException {
    RefusedAddressException(String message) {
      super(message);
    }
  }

  /**
   * What one registry exchange learned about its registry, carried as a request tag on every hop of
   * it (the registry itself, redirects, the token realm): whether the registry's own connection
   * went to a private address, which decides whether its redirects and realm may.
   */
  static final class Scope {
    private final HttpUrl registry;
    private volatile Boolean registryPrivate;

    /**
     * @param registry any URL on the registry (scheme, host and port are what count)
     * @param registryPrivate what an earlier exchange learned, or null when unknown
     */
    Scope(HttpUrl registry, Boolean registryPrivate) {
      this.registry = registry;
      this.registryPrivate = registryPrivate;
    }

    /** Whether the registry's own connection went to a private address; null before one did. */
    Boolean registryPrivate() {
      return registryPrivate;
    }

    /** Takes what an earlier exchange with the registry learned, unless this one knows better. */
    void assume(boolean wasPrivate) {
      if (registryPrivate == null) {
        registryPrivate = wasPrivate;
      }
    }
  }

  /** Cloud metadata services outside 169.254.0.0/16 (Alibaba, Oracle/others, AWS over IPv6). */
  private static final List<InetAddress> METADATA =
      List.of(v4(100, 100, 100, 200), v4(192, 0, 0, 192), v6("fd00:ec2:0:0:0:0:0:254"));

  /** Names of cloud metadata services (GCP, AWS, and the bare short names they answer to). */
  static final Set<String> METADATA_NAMES =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "instance-data",
          "instance-data.ec2.internal");

  private final boolean allowPrivate;
  private final boolean allowLinkLocal;
  private final Dns dns;

  public AddressPolicy(boolean allowPrivate, boolean allowLinkLocal, Dns delegate) {
    this.allowPrivate = allowPrivate;
    this.allowLinkLocal = allowLinkLocal;
    this.dns = hostname -> check(hostname, delegate.lookup(hostname));
  }

  /** The DNS okhttp uses: resolves, then refuses link-local and metadata answers. */
  public Dns dns() {
    return dns;
  }

  /**
   * Refuses IP-literal hosts in the refused ranges before any connection is made: okhttp does not
   * pass IP literals through {@link Dns}. Runs for every request, redirects included, since Tonnage
   * follows redirects itself.
   */
  public Interceptor literalGuard() {
    return chain -> {
      checkLiteral(chain.request().url().host());
      return chain.proceed(chain.request());
    };
  }

  /**
   * The decision of {@link #literalGuard()} for a URL's host (IPv6 without brackets). Well-known
   * metadata service names are refused by name too: through a proxy Tonnage never resolves the
   * registry's name, so the DNS check cannot see where they lead (the proxy must refuse other names
   * that resolve to such addresses).
   */
  void checkLiteral(String host) throws UnknownHostException {
    if (!allowLinkLocal && METADATA_NAMES.contains(trimDot(host.toLowerCase(Locale.ROOT)))) {
      throw new RefusedAddressException(
          "refusing to connect to "
              + host
              + ", a cloud metadata service name; set allowLinkLocalAddresses if this registry"
              + " really lives there");
    }
    if (isIpLiteral(host)) {
      // Parses the literal; never a DNS lookup.
      check(host, List.of(InetAddress.getByName(host)));
    }
  }

  /**
   * A network interceptor: checks the address of the connection each request is about to be written
   * to, and records for its {@link Scope} what the registry's own connection showed.
   */
  public Interceptor connectedGuard() {
    return chain -> {
      Connection connection = chain.connection();
      Request request = chain.request();
      if (connection != null && connection.route().proxy().type() == Proxy.Type.DIRECT) {
        InetSocketAddress socket = connection.route().socketAddress();
        if (socket.getAddress() != null) {
          checkConnected(socket.getAddress(), request.url(), request.tag(Scope.class));
        }
      }
      return chain.proceed(request);
    };
  }

  /**
   * The decision of {@link #connectedGuard()}: refuses a link-local or metadata address, and a
   * private one reached for a registry (redirect or token realm) whose own address is not private.
   * A hop to the registry's own origin records whether that address is private.
   */
  void checkConnected(InetAddress connected, HttpUrl url, Scope scope) throws IOException {
    check(url.host(), List.of(connected));
    if (scope == null) {
      return;
    }
    boolean privateAddress = isPrivate(connected);
    if (sameOrigin(url, scope.registry)) {
      scope.registryPrivate = privateAddress;
      return;
    }
    if (privateAddress && !allowPrivate && !Boolean.TRUE.equals(scope.registryPrivate)) {
      throw new RefusedAddressException(
          "refusing to follow "
              + RegistryTransport.hostPort(scope.registry)
              + " to "
              + RegistryTransport.hostPort(url)
              + " ("
              + connected.getHostAddress()
              + "), a private or loopback address, from a registry that is not on one; set"
              + " allowPrivateAddresses if this is intended");
    }
  }

  private static String trimDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  private static boolean isIpLiteral(String host) {
    if (host.contains(":")) {
      return true;
    }
    int dots = 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots == 3;
  }

  private List<InetAddress> check(String hostname, List<InetAddress> addresses)
      throws UnknownHostException {
    if (!allowLinkLocal) {
      for (InetAddress address : addresses) {
        if (isLinkLocalOrMetadata(address)) {
          throw new RefusedAddressException(
              "refusing to connect to "
                  + hostname
                  + " ("
                  + address.getHostAddress()
                  + "), a link-local or cloud metadata address; set allowLinkLocalAddresses if"
                  + " this registry really lives there");
        }
      }
    }
    return addresses;
  }

  /**
   * Link-local (169.254.0.0/16, fe80::/10), unspecified or this-host (0.0.0.0/8, ::), or a cloud
   * metadata address — also when an IPv6 address embeds one of these IPv4 addresses.
   */
  static boolean isLinkLocalOrMetadata(InetAddress address) {
    Inet4Address embedded = embeddedIpv4(address);
    if (embedded != null && isLinkLocalOrMetadata(embedded)) {
      return true;
    }
    if (address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    if (address instanceof Inet4Address && (address.getAddress()[0] & 0xff) == 0) {
      return true; // 0.0.0.0/8 reaches the local host
    }
    return METADATA.contains(address);
  }

  /** Loopback, RFC 1918, fc00::/7, 100.64.0.0/10 — also embedded in an IPv6 address. */
  static boolean isPrivate(InetAddress address) {
    Inet4Address embedded = embeddedIpv4(address);
    if (embedded != null && isPrivate(embedded)) {
      return true;
    }
    if (address.isLoopbackAddress() || address.isSiteLocalAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }
    // 100.64.0.0/10 carrier-grade NAT, used by some clusters' pod networks
    return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
  }

  /**
   * The IPv4 address an IPv6 address leads to, or null: IPv4-mapped {@code ::ffff:a.b.c.d},
   * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} (and the local-use prefix
   * 64:ff9b:1::/48), 6to4 {@code 2002:aabb:ccdd::/48}.
   */
  static Inet4Address embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    boolean zeroTen = allZero(b, 0, 10);
    boolean mapped = zeroTen && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones.
    boolean compatible =
        zeroTen && b[10] == 0 && b[11] == 0 && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
    boolean nat64 =
        (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b)
            && (allZero(b, 4, 12) || (b[4] == 0 && b[5] == 1));
    if (mapped || compatible || nat64) {
      return v4(b[12], b[13], b[14], b[15]);
    }
    if ((b[0] & 0xff) == 0x20 && b[1] == 0x02) {
      return v4(b[2], b[3], b[4], b[5]); // 6to4
    }
    return null;
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Inet4Address v4(int a, int b, int c, int d) {
    try {
      return (Inet4Address)
          InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  private static InetAddress v6(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IPv6 literal: " + literal, e);
    }
  }
}
