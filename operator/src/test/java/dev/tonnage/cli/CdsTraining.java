package dev.tonnage.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tonnage.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The training run of the AppCDS archive (operator/pom.xml, executions {@code cds-*}): serves one
 * single-layer image over plain HTTP on a loopback port, then runs {@code tonnage inspect
 * --uncompressed} and {@code tonnage check} on it in this JVM, so that the class list the archive
 * is made from holds the whole CLI path (HTTP exchanges, manifest and config parsing, facts, the
 * evaluator, text output), not only its start. Not a test; exits non-zero when {@code inspect}
 * failed, because then the archive would miss that path.
 *
 * <p>Arguments: a policy file for {@code check}.
 */
public final class CdsTraining {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})");

  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    byte[] layer = gzip("training layer\n".repeat(100).getBytes(StandardCharsets.UTF_8));
    String layerDigest = sha256(layer);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":"
                + "\"layers\",\"diff_ids\":[\"sha256:"
                + "0".repeat(64)
                + "\"]},\"history\":[{\"created_by\":\"COPY app /app\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = sha256(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + configDigest
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    String manifestDigest = sha256(manifest);
    Map<String, byte[]> blobs = Map.of(configDigest, config, layerDigest, layer);

    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v2/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/manifests/1") || path.endsWith("/manifests/" + manifestDigest)) {
              exchange.getResponseHeaders().set("Docker-Content-Digest", manifestDigest);
              exchange
                  .getResponseHeaders()
                  .set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
              send(exchange, 200, manifest);
            } else if (path.contains("/blobs/")
                && blobs.containsKey(path.substring(path.lastIndexOf('/') + 1))) {
              sendBlob(exchange, blobs.get(path.substring(path.lastIndexOf('/') + 1)));
            } else if (path.equals("/v2/")) {
              send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
            } else {
              send(exchange, 404, "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8));
            }
          }
        });
    server.start();
    try {
      String registry = "127.0.0.1:" + server.getAddress().getPort();
      String image = registry + "/training/app:1";
      // The path ./tonnage takes (Main.run: the warm start, one subcommand built), so the archive
      // holds what a real run loads.
      int inspect =
          Main.run(
              new String[] {"inspect", "--uncompressed", "--insecure-registry", registry, image});
      Main.run(new String[] {"check", "--policy", args[0], "--insecure-registry", registry, image});
      Main.run(new String[] {"inspect", "-o", "json", "--insecure-registry", registry, image});
      if (inspect != 0) {
        System.err.println("CdsTraining: tonnage inspect exited " + inspect);
        System.exit(1);
      }
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }

  private static void sendBlob(HttpExchange exchange, byte[] blob) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m == null || !m.matches()) {
      send(exchange, 200, blob);
      return;
    }
    int first = (int) Math.min(Long.parseLong(m.group(1)), blob.length - 1);
    int last = (int) Math.min(Long.parseLong(m.group(2)), blob.length - 1);
    exchange
        .getResponseHeaders()
        .set("Content-Range", "bytes " + first + "-" + last + "/" + blob.length);
    byte[] part = new byte[last - first + 1];
    System.arraycopy(blob, first, part, 0, part.length);
    send(exchange, 206, part);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      exchange.getResponseBody().write(body);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] data) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
