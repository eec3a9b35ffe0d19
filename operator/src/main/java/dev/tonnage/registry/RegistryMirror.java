package dev.tonnage.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A mirror (or pull-through cache) of one registry, as {@code --registry-mirror
 * docker.io=https://mirror.example} gives it: facts of the upstream's images are asked of the
 * mirror first, then of the upstream, as containerd's hosts.toml does. The mirror serves the
 * upstream's repositories under the same names at {@code /v2/}.
 *
 * @param upstream the mirrored registry, host[:port] as in {@link ImageReference#registry()}
 * @param host the mirror's host[:port]
 * @param plainHttp whether the mirror's URL is {@code http://}: given explicitly, never a fallback
 */
public record RegistryMirror(String upstream, String host, boolean plainHttp) {

  /** Longest {@code UPSTREAM=URL} accepted. */
  static final int MAX_LENGTH = 512;

  /** Parses {@code UPSTREAM=URL}; the URL is {@code https://host[:port]} or {@code http://...}. */
  public static RegistryMirror parse(String spec) {
    String text = spec.strip();
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "--registry-mirror is " + text.length() + " characters long; at most " + MAX_LENGTH);
    }
    int equals = text.indexOf('=');
    if (equals <= 0 || equals == text.length() - 1) {
      throw new IllegalArgumentException(
          "--registry-mirror must be UPSTREAM=URL, e.g. docker.io=https://mirror.example");
    }
    String upstream = DockerConfigCredentials.normalizeKey(text.substring(0, equals));
    // Messages name the upstream only: the URL may carry user info.
    String named = "--registry-mirror for " + upstream;
    URI url;
    try {
      url = new URI(text.substring(equals + 1).strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          named + ": the mirror is not a URL (" + e.getReason() + ")", null);
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    boolean bare =
        (url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/"))
            && url.getQuery() == null
            && url.getFragment() == null
            && url.getUserInfo() == null;
    if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null || !bare) {
      throw new IllegalArgumentException(
          named
              + ": the mirror must be https://HOST[:PORT] (or http:// to reach it over plain"
              + " HTTP), without a path, query or user info");
    }
    String host =
        url.getHost().toLowerCase(Locale.ROOT) + (url.getPort() < 0 ? "" : ":" + url.getPort());
    if (host.equals(upstream)) {
      throw new IllegalArgumentException(named + ": a registry cannot be its own mirror");
    }
    return new RegistryMirror(upstream, host, scheme.equals("http"));
  }

  @Override
  public String toString() {
    return upstream + "=" + (plainHttp ? "http://" : "https://") + host;
  }
}
