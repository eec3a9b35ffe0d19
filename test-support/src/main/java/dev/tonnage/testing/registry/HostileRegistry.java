package dev.tonnage.testing.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tonnage.testing.image.MediaTypes;
import dev.tonnage.testing.image.Sha256;
import dev.tonnage.testing.tls.CertificateAuthority;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A registry written to attack its clients: an OCI distribution API over TLS on 127.0.0.1 (port
 * picked at run time) that serves whatever a test stores, plus per-repository behaviours a real
 * registry never shows — a forged gzip trailer, trickled answers, a huge {@code WWW-Authenticate}
 * challenge, redirects to the cloud metadata address. Content is stored as bytes with its real
 * digest, so a client that verifies digests accepts it; only the behaviours lie.
 */
public final class HostileRegistry implements AutoCloseable {

  /** Worker threads answering requests: enough that the client, not this server, is the limit. */
  private static final int WORKERS = 32;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A gzip member holding nothing (ISIZE 0): the cheapest valid layer. */
  private static final byte[] EMPTY_GZIP = {
    0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** What a repository does instead of answering honestly. */
  public sealed interface Behaviour {}

  /** Every answer is sent in {@code chunkBytes} pieces, {@code pause} apart. */
  public record Trickle(int chunkBytes, Duration pause) implements Behaviour {}

  /** Every request is refused with 401 and a Bearer challenge of {@code bytes} characters. */
  public record HugeChallenge(int bytes) implements Behaviour {}

  /** Every request is redirected (307) to {@code location} + the request path. */
  public record RedirectTo(String location) implements Behaviour {}

  private record Manifest(String mediaType, byte[] content) {}

  private final HttpsServer server;
  private final ExecutorService workers;
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> forgedTrailers = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final Path caFile;

  private HostileRegistry(HttpsServer server, ExecutorService workers, Path caFile) {
    this.server = server;
    this.workers = workers;
    this.caFile = caFile;
  }

  /**
   * Starts the server with a certificate for 127.0.0.1 from {@code ca}; {@code caFile} receives the
   * CA's PEM for the client's trust flag (e.g. {@code --ca-file}).
   */
  public static HostileRegistry start(CertificateAuthority ca, Path caFile) {
    try {
      char[] password = "hostile".toCharArray();
      KeyStore keys =
          ca.issueServerCertificate("hostile-registry", List.of("localhost"), List.of("127.0.0.1"))
              .toKeyStore(password);
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), null, null);
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
      server.setExecutor(workers);
      ca.writeCertificate(caFile);
      HostileRegistry registry = new HostileRegistry(server, workers, caFile);
      server.createContext("/v2/", registry::handle);
      server.start();
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the hostile registry", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for the hostile registry", e);
    }
  }

  /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
  public String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The PEM file of the CA that signed this server's certificate. */
  public Path caFile() {
    return caFile;
  }

  /** How many requests were received so far. */
  public long requestCount() {
    return requests.get();
  }

  /** Stores a blob; returns its digest. */
  public String putBlob(byte[] content) {
    String digest = Sha256.digest(content);
    blobs.put(digest, content);
    return digest;
  }

  /**
   * Serves {@code content} for {@code digest} (which must be a real blob, e.g. copied from an
   * honest registry) but answers a range read of its last four bytes with {@code forgedIsize}
   * (little-endian, as in a gzip trailer).
   */
  public void forgeGzipTrailer(String digest, byte[] content, int forgedIsize) {
    blobs.put(digest, content);
    forgedTrailers.put(
        digest,
        new byte[] {
          (byte) forgedIsize,
          (byte) (forgedIsize >>> 8),
          (byte) (forgedIsize >>> 16),
          (byte) (forgedIsize >>> 24)
        });
  }

  /** Stores a manifest under its digest and {@code tag}; returns the digest. */
  public String putManifest(String repository, String tag, String mediaType, byte[] content) {
    String digest = Sha256.digest(content);
    Manifest manifest = new Manifest(mediaType, content);
    manifests.put(repository + "@" + digest, manifest);
    if (tag != null) {
      manifests.put(repository + ":" + tag, manifest);
    }
    return digest;
  }

  /** Makes every request for {@code repository} behave as {@code behaviour}. */
  public void behave(String repository, Behaviour behaviour) {
    behaviours.put(repository, behaviour);
  }

  /**
   * An OCI image of one config and the given layers, with {@code annotations} on the manifest and
   * {@code labels} in the config; returns its reference by tag.
   */
  public String putImage(
      String repository,
      String tag,
      List<Layer> layers,
      Map<String, String> annotations,
      Map<String, String> labels) {
    putManifest(
        repository, tag, MediaTypes.OCI_MANIFEST, imageManifest(layers, annotations, labels));
    return hostPort() + "/" + repository + ":" + tag;
  }

  /**
   * An OCI index of {@code entries} distinct linux/amd64 images (each its own manifest, told apart
   * by an annotation, all sharing one config and one empty gzip layer; every blob is served);
   * returns its reference by tag.
   */
  public String putIndex(String repository, String tag, int entries) {
    Layer empty = emptyLayer();
    StringBuilder index =
        new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",");
    index.append("\"manifests\":[");
    for (int i = 0; i < entries; i++) {
      byte[] child = imageManifest(List.of(empty), Map.of("n", Integer.toString(i)), Map.of());
      String digest = putManifest(repository, null, MediaTypes.OCI_MANIFEST, child);
      index
          .append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(MediaTypes.OCI_MANIFEST)
          .append("\",\"digest\":\"")
          .append(digest)
          .append("\",\"size\":")
          .append(child.length)
          .append(",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}");
    }
    index.append("]}");
    putManifest(
        repository, tag, MediaTypes.OCI_INDEX, index.toString().getBytes(StandardCharsets.UTF_8));
    return hostPort() + "/" + repository + ":" + tag;
  }

  private byte[] imageManifest(
      List<Layer> layers, Map<String, String> annotations, Map<String, String> labels) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64").put("os", "linux");
    ObjectNode labelNode = config.putObject("config").putObject("Labels");
    labels.forEach(labelNode::put);
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    byte[] configBytes = bytes(config);
    String configDigest = putBlob(configBytes);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    descriptor(
        manifest.putObject("config"), MediaTypes.OCI_CONFIG, configDigest, configBytes.length);
    ArrayNode layerNodes = manifest.putArray("layers");
    for (Layer layer : layers) {
      descriptor(layerNodes.addObject(), MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.size());
    }
    if (!annotations.isEmpty()) {
      ObjectNode annotationNode = manifest.putObject("annotations");
      annotations.forEach(annotationNode::put);
    }
    return bytes(manifest);
  }

  /** A layer every image may use: an empty gzip member (ISIZE 0), stored on first use. */
  public Layer emptyLayer() {
    return new Layer(putBlob(EMPTY_GZIP), EMPTY_GZIP.length);
  }

  /** The size in bytes of the manifest or index stored as {@code repository:tag}. */
  public int manifestSize(String repository, String tag) {
    return manifests.get(repository + ":" + tag).content().length;
  }

  /** A layer descriptor's digest and size. */
  public record Layer(String digest, long size) {}

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/v2/")) {
        send(exchange, null, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      int manifestsAt = path.lastIndexOf("/manifests/");
      int blobsAt = path.lastIndexOf("/blobs/");
      int at = Math.max(manifestsAt, blobsAt);
      if (at < 0) {
        send(exchange, null, 404, "application/json", error("NAME_UNKNOWN"));
        return;
      }
      String repository = path.substring("/v2/".length(), at);
      Behaviour behaviour = behaviours.get(repository);
      if (behaviour instanceof HugeChallenge huge) {
        exchange
            .getResponseHeaders()
            .add("WWW-Authenticate", "Bearer realm=\"" + "x".repeat(huge.bytes()) + "\"");
        send(exchange, null, 401, "application/json", error("UNAUTHORIZED"));
        return;
      }
      if (behaviour instanceof RedirectTo redirect) {
        exchange.getResponseHeaders().add("Location", redirect.location() + path);
        send(exchange, null, 307, "text/plain", new byte[0]);
        return;
      }
      Trickle trickle = behaviour instanceof Trickle t ? t : null;
      if (manifestsAt == at) {
        String reference = path.substring(manifestsAt + "/manifests/".length());
        String key = repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
        Manifest manifest = manifests.get(key);
        if (manifest == null) {
          send(exchange, trickle, 404, "application/json", error("MANIFEST_UNKNOWN"));
          return;
        }
        exchange
            .getResponseHeaders()
            .add("Docker-Content-Digest", Sha256.digest(manifest.content()));
        send(exchange, trickle, 200, manifest.mediaType(), manifest.content());
        return;
      }
      String digest = path.substring(blobsAt + "/blobs/".length());
      byte[] blob = blobs.get(digest);
      if (blob == null) {
        send(exchange, trickle, 404, "application/json", error("BLOB_UNKNOWN"));
        return;
      }
      exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range != null) {
        byte[] part = range(blob, forgedTrailers.get(digest), range);
        exchange
            .getResponseHeaders()
            .add(
                "Content-Range",
                "bytes "
                    + (blob.length - part.length)
                    + "-"
                    + (blob.length - 1)
                    + "/"
                    + blob.length);
        send(exchange, trickle, 206, "application/octet-stream", part);
        return;
      }
      send(exchange, trickle, 200, "application/octet-stream", blob);
    }
  }

  /** The last bytes a suffix range ({@code bytes=-N} or {@code bytes=S-}) asks for. */
  private static byte[] range(byte[] blob, byte[] forgedTrailer, String range) {
    String spec = range.replace("bytes=", "").trim();
    int start;
    if (spec.startsWith("-")) {
      start = Math.max(0, blob.length - Integer.parseInt(spec.substring(1)));
    } else {
      start = Math.min(blob.length, Integer.parseInt(spec.substring(0, spec.indexOf('-'))));
    }
    byte[] part = Arrays.copyOfRange(blob, start, blob.length);
    if (forgedTrailer != null && part.length >= 4) {
      System.arraycopy(forgedTrailer, 0, part, part.length - 4, 4);
    }
    return part;
  }

  private static void send(
      HttpExchange exchange, Trickle trickle, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (head || body.length == 0) {
      return;
    }
    OutputStream out = exchange.getResponseBody();
    if (trickle == null) {
      out.write(body);
      return;
    }
    for (int offset = 0; offset < body.length; offset += trickle.chunkBytes()) {
      out.write(body, offset, Math.min(trickle.chunkBytes(), body.length - offset));
      out.flush();
      try {
        Thread.sleep(trickle.pause().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static byte[] error(String code) {
    return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"hostile registry\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void descriptor(ObjectNode node, String mediaType, String digest, long size) {
    node.put("mediaType", mediaType).put("digest", digest).put("size", size);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
