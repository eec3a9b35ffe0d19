package dev.tonnage.registry;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;
import okhttp3.Interceptor;

/**
 * Which addresses Tonnage may connect to. Link-local and cloud metadata addresses are refused
 * unless allowed (a registry name, redirect or token realm must never reach the node's metadata
 * service). Redirects and token realms of a registry on a public address may not point at private
 * or loopback addresses unless allowed.
 */
final class AddressPolicy {

  /** A connection refused by this policy; never retried. */
  static final class RefusedAddressException extends UnknownHostException {
    RefusedAddressException(String message) {
      super(message);
    }
  }

  private static final List<String> METADATA =
      List.of("100.100.100.200", "192.0.0.192", "fd00:ec2:0:0:0:0:0:254");

  private final boolean allowPrivate;
  private final boolean allowLinkLocal;
  private final Dns dns;

  AddressPolicy(boolean allowPrivate, boolean allowLinkLocal, Dns delegate) {
    this.allowPrivate = allowPrivate;
    this.allowLinkLocal = allowLinkLocal;
    this.dns = hostname -> check(hostname, delegate.lookup(hostname));
  }

  /** The DNS okhttp uses: resolves, then refuses link-local and metadata answers. */
  Dns dns() {
    return dns;
  }

  /**
   * Refuses IP-literal hosts in the refused ranges before any connection is made: okhttp does not
   * pass IP literals through {@link Dns}. Runs for every request, redirects included, since Tonnage
   * follows redirects itself.
   */
  Interceptor literalGuard() {
    return chain -> {
      String host = chain.request().url().host();
      if (isIpLiteral(host)) {
        check(host, List.of(InetAddress.getByName(host)));
      }
      return chain.proceed(chain.request());
    };
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /**
   * Refuses a redirect or token realm host that is private or loopback when the registry itself is
   * not (a public registry has no business sending Tonnage into the cluster network).
   */
  void checkIndirect(String targetHost, String registryHost) throws IOException {
    if (allowPrivate || targetHost.equalsIgnoreCase(registryHost)) {
      return;
    }
    boolean targetPrivate = dns.lookup(targetHost).stream().anyMatch(AddressPolicy::isPrivate);
    if (!targetPrivate) {
      return;
    }
    boolean registryPrivate = dns.lookup(registryHost).stream().anyMatch(AddressPolicy::isPrivate);
    if (!registryPrivate) {
      throw new RefusedAddressException(
          "refusing to follow "
              + registryHost
              + " to "
              + targetHost
              + ", a private or loopback address; set allowPrivateAddresses if this is intended");
    }
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

  static boolean isLinkLocalOrMetadata(InetAddress address) {
    if (address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    if (address instanceof Inet4Address && (address.getAddress()[0] & 0xff) == 0) {
      return true; // 0.0.0.0/8 reaches the local host
    }
    for (String metadata : METADATA) {
      if (address.getHostAddress().equalsIgnoreCase(metadata)) {
        return true;
      }
    }
    return false;
  }

  static boolean isPrivate(InetAddress address) {
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
}
