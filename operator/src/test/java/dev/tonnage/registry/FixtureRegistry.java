package dev.tonnage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A registry in a MockWebServer, answering from the real documents under {@code
 * src/test/resources/registry}: manifests by tag or digest (GET and HEAD), blobs with Range
 * support. Tests put an {@link #intercept} in front to misbehave on demand.
 */
public final class FixtureRegistry extends Dispatcher {

  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  public final Map<String, String> tags = new ConcurrentHashMap<>();
  final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
  final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  /** Tags whose HEAD answers leave out Docker-Content-Digest. */
  final Set<String> headWithoutDigest = ConcurrentHashMap.newKeySet();

  /** Answers instead of the registry when it returns non-null. */
  public volatile Function<RecordedRequest, MockResponse> intercept = request -> null;

  public static FixtureRegistry load() {
    FixtureRegistry registry = new FixtureRegistry();
    for (String line : resource("tags.txt").split("\n")) {
      if (!line.isBlank()) {
        String[] parts = line.split(" ");
        registry.tags.put(parts[0], parts[1]);
      }
    }
    for (String line : resource("manifests.txt").split("\n")) {
      if (!line.isBlank()) {
        String[] parts = line.split(" ");
        registry.manifestTypes.put(parts[0], parts[1]);
        registry.blobs.put(parts[0], bytes("blobs/sha256/" + parts[0].substring(7)));
      }
    }
    return registry;
  }

  public static String resource(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  static byte[] bytes(String path) {
    try (InputStream in = FixtureRegistry.class.getResourceAsStream("/registry/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves {@code manifest} by its digest (and by no tag); returns the digest. */
  String addManifest(byte[] manifest, String mediaType) {
    String digest = Digests.of(manifest, null);
    blobs.put(digest, manifest);
    manifestTypes.put(digest, mediaType);
    return digest;
  }

  /** Answers 401 with a Basic challenge to every request without these credentials. */
  public void requireBasic(String username, String password) {
    String expected = okhttp3.Credentials.basic(username, password);
    intercept =
        request ->
            expected.equals(request.getHeaders().get("Authorization"))
                ? null
                : new MockResponse.Builder()
                    .code(401)
                    .setHeader("WWW-Authenticate", "Basic realm=\"basic-realm\"")
                    .body(resource("errors/unauthorized.json"))
                    .build();
  }

  /** A blob (config or layer) by digest, loaded on first use. */
  byte[] blob(String digest) {
    return blobs.computeIfAbsent(
        digest,
        d -> {
          try {
            return bytes("blobs/sha256/" + d.substring(7));
          } catch (IllegalArgumentException missing) {
            return null;
          }
        });
  }

  /** Requests whose path ends with {@code suffix} (e.g. "/manifests/latest"), of a method. */
  long count(String method, String pathPart) {
    return requests.stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().contains(pathPart))
        .count();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request);
    MockResponse response = answer(request);
    if (request.getMethod().equals("HEAD") && response.getBody() != null) {
      // A HEAD answer has no body; writing one would corrupt the connection.
      return new MockResponse.Builder(response).body(new Buffer()).build();
    }
    return response;
  }

  private MockResponse answer(RecordedRequest request) {
    MockResponse intercepted = intercept.apply(request);
    if (intercepted != null) {
      return intercepted;
    }
    String path = request.getUrl().encodedPath();
    Matcher manifest = MANIFEST.matcher(path);
    if (manifest.matches()) {
      return manifest(request, manifest.group(1), manifest.group(2));
    }
    Matcher blob = BLOB.matcher(path);
    if (blob.matches()) {
      return blob(request, blob.group(2));
    }
    return error(404, "errors/manifest-unknown.json");
  }

  private MockResponse manifest(RecordedRequest request, String repository, String reference) {
    String digest =
        reference.startsWith("sha256:") ? reference : tags.get(repository + ":" + reference);
    byte[] body = digest == null ? null : blobs.get(digest);
    if (body == null || !manifestTypes.containsKey(digest)) {
      return error(404, "errors/manifest-unknown.json");
    }
    MockResponse.Builder response =
        new MockResponse.Builder().code(200).setHeader("Content-Type", manifestTypes.get(digest));
    if (!(request.getMethod().equals("HEAD") && headWithoutDigest.contains(reference))) {
      response.setHeader("Docker-Content-Digest", digest);
    }
    return withBody(request, response, body);
  }

  private MockResponse blob(RecordedRequest request, String digest) {
    byte[] body = blob(digest);
    if (body == null) {
      return error(404, "errors/blob-unknown.json");
    }
    String range = request.getHeaders().get("Range");
    MockResponse.Builder response =
        new MockResponse.Builder().setHeader("Content-Type", "application/octet-stream");
    if (range != null) {
      Matcher m = RANGE.matcher(range);
      if (!m.matches()) {
        return new MockResponse.Builder().code(416).build();
      }
      int first = Integer.parseInt(m.group(1));
      int last = Math.min(Integer.parseInt(m.group(2)), body.length - 1);
      if (first > last) {
        return new MockResponse.Builder().code(416).build();
      }
      byte[] part = java.util.Arrays.copyOfRange(body, first, last + 1);
      response
          .code(206)
          .setHeader("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
      return withBody(request, response, part);
    }
    return withBody(request, response.code(200).setHeader("Docker-Content-Digest", digest), body);
  }

  private static MockResponse withBody(
      RecordedRequest request, MockResponse.Builder response, byte[] body) {
    if (request.getMethod().equals("HEAD")) {
      return response.setHeader("Content-Length", body.length).build();
    }
    return response.body(new Buffer().write(body)).build();
  }

  static MockResponse error(int code, String fixture) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .body(resource(fixture))
        .build();
  }
}
