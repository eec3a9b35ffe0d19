package dev.tonnage.registry;

import java.nio.charset.StandardCharsets;

/**
 * The first-use work of the registry client that does not depend on what is asked: the JSON
 * parser's deserializers for manifests and configs, the HTTP client's platform detection (security
 * providers) and the digest algorithm. A short CLI run does it on a second core while picocli
 * builds the command line, so the run itself finds it done (docs/benchmarks.md#cli). Failures are
 * the caller's to ignore: the run that follows meets the same code and reports what is wrong.
 */
public final class ClientWarmUp {
  private static final ImageReference SAMPLE = ImageReference.parse("warm-up.invalid/sample:1");

  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\"sha256:"
              + "0".repeat(64)
              + "\",\"size\":2},\"layers\":[{\"mediaType\":"
              + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
              + "1".repeat(64)
              + "\",\"size\":3}],\"annotations\":{\"org.opencontainers.image.base.name\":\"a\"}}")
          .getBytes(StandardCharsets.UTF_8);

  private static final byte[] INDEX =
      ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
              + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
              + "\"digest\":\"sha256:"
              + "2".repeat(64)
              + "\",\"size\":4,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
          .getBytes(StandardCharsets.UTF_8);

  private static final byte[] CONFIG =
      ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":\"b\"}},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
              + "3".repeat(64)
              + "\"]},\"history\":[{\"created_by\":\"COPY app /app\"}]}")
          .getBytes(StandardCharsets.UTF_8);

  private ClientWarmUp() {}

  /**
   * The JSON parser: its class set-up and the deserializers of manifests, indexes and configs.
   * Thread-safe and repeatable, like {@link #client}; the two are independent of each other.
   *
   * @throws RegistryException never with these samples, unless the parser changed
   */
  public static void parser() throws RegistryException {
    ManifestParser.parseManifest(MANIFEST, null, SAMPLE);
    ManifestParser.parseManifest(INDEX, null, SAMPLE);
    ManifestParser.parseConfig(CONFIG, SAMPLE);
    DockerConfigCredentials.fromJson("{}");
  }

  /**
   * The client's own set-up, on a client that is closed at once: the HTTP client's platform
   * detection (security providers), its caches (Caffeine makes a class per cache shape), its URL
   * parser (host names go through IDNA tables on first use, about 5 ms), the credential helpers'
   * cache, and the digest algorithm. Starts no thread and sends nothing.
   */
  public static void client() {
    new RegistryClient(RegistryClientConfig.defaults()).close();
    RegistryTransport.baseUrl(SAMPLE.registry(), false);
    CredentialHelpers.onPath(null);
    Digests.of(CONFIG, "sha256:");
  }
}
