package dev.tonnage.testing.prometheus;

import java.net.URI;

/**
 * Where Prometheus scrapes: {@code host:port} (HTTP, {@code /metrics}) or a full URL.
 *
 * @param scheme http or https
 * @param hostPort e.g. {@code 127.0.0.1:5001}
 * @param path the metrics path
 */
record ScrapeTarget(String scheme, String hostPort, String path) {

  static ScrapeTarget parse(String target) {
    if (!target.contains("://")) {
      return new ScrapeTarget("http", target, "/metrics");
    }
    URI uri = URI.create(target);
    if (uri.getPort() < 0) {
      throw new IllegalArgumentException("scrape target needs an explicit port: " + target);
    }
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/metrics" : uri.getRawPath();
    return new ScrapeTarget(uri.getScheme(), uri.getHost() + ":" + uri.getPort(), path);
  }
}
