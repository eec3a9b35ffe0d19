package dev.tonnage.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts {@code NO_PROXY} sends direct, matched as Go's net/http (and so containerd and kubectl)
 * does: {@code *} matches every host; {@code example.com} matches that host and its subdomains;
 * {@code .example.com} (or {@code *.example.com}) only its subdomains; an IP address or CIDR
 * ({@code 10.0.0.0/8}) matches hosts written as IP addresses in it, without any DNS lookup; an
 * entry with {@code :PORT} matches that port only. Loopback is not implied: list {@code localhost}
 * or {@code 127.0.0.1} to keep it direct.
 */
public final class NoProxy {

  /** Most entries read; a longer list is a mistake and is refused. */
  public static final int MAX_ENTRIES = 512;

  /** Longest value read. */
  public static final int MAX_LENGTH = 16 * 1024;

  /** Nothing bypasses the proxy. */
  public static final NoProxy NONE = new NoProxy(false, List.of(), List.of());

  private final boolean everything;
  private final List<Name> names;
  private final List<Network> networks;

  private record Name(String suffix, boolean subdomainsOnly, int port) {}

  private record Network(byte[] prefix, int bits, int port) {}

  private NoProxy(boolean everything, List<Name> names, List<Network> networks) {
    this.everything = everything;
    this.names = List.copyOf(names);
    this.networks = List.copyOf(networks);
  }

  /** Parses a comma-separated {@code NO_PROXY} value; null or blank is {@link #NONE}. */
  public static NoProxy parse(String variable, String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          variable + " is longer than " + MAX_LENGTH + " characters; list fewer hosts");
    }
    String[] entries = value.split(",", -1);
    if (entries.length > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          variable + " lists more than " + MAX_ENTRIES + " entries; list domains, not hosts");
    }
    boolean everything = false;
    List<Name> names = new ArrayList<>();
    List<Network> networks = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        everything = true;
        continue;
      }
      int slash = entry.indexOf('/');
      if (slash > 0) {
        networks.add(network(variable, entry, slash));
        continue;
      }
      int port = 0;
      String host = entry;
      int colon = entry.lastIndexOf(':');
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw invalid(variable, entry);
        }
        host = entry.substring(1, close);
        port = close + 1 < entry.length() ? port(variable, entry, entry.substring(close + 1)) : 0;
      } else if (colon > 0 && entry.indexOf(':') == colon) {
        host = entry.substring(0, colon);
        port = port(variable, entry, entry.substring(colon));
      }
      InetAddress literal = literal(host);
      if (literal != null) {
        byte[] bytes = literal.getAddress();
        networks.add(new Network(bytes, bytes.length * 8, port));
        continue;
      }
      boolean subdomainsOnly = host.startsWith(".") || host.startsWith("*.");
      String suffix = host.startsWith("*.") ? host.substring(2) : host;
      suffix = suffix.startsWith(".") ? suffix.substring(1) : suffix;
      if (suffix.isEmpty()) {
        throw invalid(variable, entry);
      }
      names.add(new Name(suffix, subdomainsOnly, port));
    }
    return new NoProxy(everything, names, networks);
  }

  /** Whether a request to {@code host} (no brackets) on {@code port} goes direct. */
  public boolean bypasses(String host, int port) {
    if (everything) {
      return true;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    InetAddress literal = literal(h);
    if (literal != null) {
      byte[] address = literal.getAddress();
      for (Network network : networks) {
        if ((network.port == 0 || network.port == port) && contains(network, address)) {
          return true;
        }
      }
      return false;
    }
    for (Name name : names) {
      if (name.port != 0 && name.port != port) {
        continue;
      }
      boolean subdomain = h.endsWith("." + name.suffix);
      if (subdomain || (!name.subdomainsOnly && h.equals(name.suffix))) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(Network network, byte[] address) {
    if (address.length != network.prefix.length) {
      return false;
    }
    int full = network.bits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network.prefix[i]) {
        return false;
      }
    }
    int rest = network.bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network.prefix[full] & mask);
  }

  private static Network network(String variable, String entry, int slash) {
    InetAddress address = literal(entry.substring(0, slash));
    int bits;
    try {
      bits = Integer.parseInt(entry.substring(slash + 1));
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (address == null || bits < 0 || bits > address.getAddress().length * 8) {
      throw invalid(variable, entry);
    }
    return new Network(address.getAddress(), bits, 0);
  }

  private static int port(String variable, String entry, String colonPort) {
    if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
      throw invalid(variable, entry);
    }
    for (int i = 1; i < colonPort.length(); i++) {
      if (colonPort.charAt(i) < '0' || colonPort.charAt(i) > '9') {
        throw invalid(variable, entry);
      }
    }
    int port = Integer.parseInt(colonPort.substring(1));
    if (port < 1 || port > 65535) {
      throw invalid(variable, entry);
    }
    return port;
  }

  /** The address an IP literal names, never a DNS lookup; null for a name. */
  static InetAddress literal(String host) {
    if (host.isEmpty() || host.length() > 64) {
      return null;
    }
    boolean v6 = host.indexOf(':') >= 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || c == '.'
              || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || c == '%'));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && !isDottedQuad(host)) {
      return null; // getByName would look up what is not a valid literal
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, never resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isDottedQuad(String host) {
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(String variable, String entry) {
    return new IllegalArgumentException(
        variable
            + " entry \""
            + entry
            + "\" is not a host, .domain, host:port, IP address or CIDR (e.g. 10.0.0.0/8)");
  }
}
