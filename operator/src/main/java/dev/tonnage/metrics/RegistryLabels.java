package dev.tonnage.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The value of the {@code registry} label: a registry host only when the operator's own
 * configuration names it (flags, operator-wide credentials, policies) or it is a well-known public
 * registry; a host of a cloud registry family becomes the family's pattern (e.g. {@code
 * *.azurecr.io}); anything else is {@link #OTHER}. Pods name registries, and any developer can name
 * thousands: without this a Prometheus series per host would be theirs to create. Thread-safe.
 */
public final class RegistryLabels {

  /** The label of every registry the operator was not told about. */
  public static final String OTHER = "other";

  /**
   * Most hosts learned from flags, credentials and policies. Policies are written by cluster
   * admins, but a policy list can still name many hosts: past this, new hosts count as {@code
   * other}.
   */
  public static final int MAX_KNOWN = 200;

  // A DNS name (253) plus ":" and a 5-digit port; a longer "host" is no host at all.
  static final int MAX_HOST_LENGTH = 260;

  /** Public registries with a fixed host, labelled by name whatever the configuration says. */
  static final Set<String> WELL_KNOWN =
      Set.of(
          "index.docker.io",
          "ghcr.io",
          "gcr.io",
          "us.gcr.io",
          "eu.gcr.io",
          "asia.gcr.io",
          "k8s.gcr.io",
          "registry.k8s.io",
          "quay.io",
          "public.ecr.aws",
          "mcr.microsoft.com",
          "registry.gitlab.com",
          "docker.elastic.co",
          "nvcr.io",
          "registry.access.redhat.com",
          "registry.redhat.io");

  /**
   * Cloud registry families whose hosts anyone can mint (one per account, project or region): they
   * are labelled by the family's pattern, never by host, so the bound holds.
   */
  private static final List<Family> FAMILIES =
      List.of(
          new Family("*.azurecr.io", "", ".azurecr.io"),
          new Family("*-docker.pkg.dev", "", "-docker.pkg.dev"),
          new Family("*.dkr.ecr.*.amazonaws.com", ".dkr.ecr.", ".amazonaws.com"));

  private static final Logger LOG = LoggerFactory.getLogger(RegistryLabels.class);

  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warnedFull = new AtomicBoolean();

  /** The label of requests to {@code host} (as contacted: {@code host[:port]}). */
  public String label(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      return OTHER;
    }
    String normalized = normalize(host);
    if (WELL_KNOWN.contains(normalized) || known.contains(normalized)) {
      return normalized;
    }
    for (Family family : FAMILIES) {
      if (family.matches(normalized)) {
        return family.label();
      }
    }
    return OTHER;
  }

  /**
   * Gives {@code host} its own label: a registry the operator's configuration names. Wildcards,
   * over-long or malformed hosts are ignored.
   *
   * @return whether the host has its own label now (false also when {@link #MAX_KNOWN} is reached)
   */
  public boolean learn(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      return false;
    }
    String normalized = normalize(host);
    if (!isHost(normalized)) {
      return false;
    }
    if (WELL_KNOWN.contains(normalized) || known.contains(normalized)) {
      return true;
    }
    synchronized (known) {
      if (known.size() >= MAX_KNOWN) {
        if (warnedFull.compareAndSet(false, true)) {
          LOG.warn(
              "{} registries are named in flags, credentials and policies; further ones, such as"
                  + " {}, are labelled registry=\"{}\" in metrics",
              MAX_KNOWN,
              normalized,
              OTHER);
        }
        return false;
      }
      known.add(normalized);
      return true;
    }
  }

  /**
   * Learns the registry of an image glob from a policy when the glob names it literally ({@code
   * registry.example.com/team/**}); a registry-less glob means Docker Hub, which is well known.
   */
  public void learnFromPattern(String glob) {
    if (glob == null || glob.length() > MAX_HOST_LENGTH * 4) {
      return;
    }
    int slash = glob.indexOf('/');
    if (slash <= 0) {
      return;
    }
    String first = glob.substring(0, slash);
    boolean isRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (isRegistry && first.indexOf('*') < 0) {
      learn(first);
    }
  }

  /** How many hosts were learned, for tests and logs. */
  public int knownCount() {
    return known.size();
  }

  private static String normalize(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "docker.io", "registry-1.docker.io" -> "index.docker.io";
      default -> lower;
    };
  }

  /** Letters, digits, '.', '-', ':' and brackets (IPv6): what a registry host[:port] is made of. */
  private static boolean isHost(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == ':'
              || c == '['
              || c == ']';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Hosts that start with anything, contain {@code infix} after it, and end with {@code suffix}.
   */
  private record Family(String label, String infix, String suffix) {
    boolean matches(String host) {
      if (!host.endsWith(suffix) || host.length() == suffix.length()) {
        return false;
      }
      if (infix.isEmpty()) {
        return true;
      }
      int at = host.indexOf(infix);
      return at > 0 && at + infix.length() < host.length() - suffix.length();
    }
  }
}
