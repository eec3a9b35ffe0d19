package dev.tonnage.testing.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A minimal distribution API client for fixtures: monolithic blob upload (POST then PUT), manifest
 * push and read, Basic and Bearer authentication. Deliberately independent of the operator's
 * registry client, so the two cannot share a bug.
 */
public final class RegistryClient implements AutoCloseable {

  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final OkHttpClient http;

  /**
   * @param baseUrl {@code http(s)://127.0.0.1:PORT}
   * @param caCertificate the only CA trusted for HTTPS, or null for HTTP
   * @param username user for Basic and token requests, or null for anonymous
   * @param password that user's password
   */
  public RegistryClient(
      String baseUrl, X509Certificate caCertificate, String username, String password) {
    this.baseUrl = baseUrl;
    RegistryAuthenticator authenticator = new RegistryAuthenticator(username, password);
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .writeTimeout(60, TimeUnit.SECONDS)
            .followRedirects(false);
    if (caCertificate != null) {
      X509TrustManager trust = TrustedCertificates.trustManager(caCertificate);
      builder.sslSocketFactory(TrustedCertificates.sslContext(trust).getSocketFactory(), trust);
    }
    OkHttpClient withoutAuth = builder.build();
    authenticator.tokenClient(withoutAuth);
    this.http = withoutAuth.newBuilder().authenticator(authenticator).build();
  }

  /** A client with the registry's credentials (if its mode has any). */
  public static RegistryClient forServer(RegistryServer registry) {
    return new RegistryClient(
        registry.baseUrl(), registry.caCertificate(), registry.username(), registry.password());
  }

  /** A client without credentials: anonymous tokens in TOKEN mode, 401 in BASIC mode. */
  public static RegistryClient anonymous(RegistryServer registry) {
    return new RegistryClient(registry.baseUrl(), registry.caCertificate(), null, null);
  }

  public boolean blobExists(String repository, String digest) {
    Request request = new Request.Builder().url(url(repository, "blobs/" + digest)).head().build();
    try (Response response = execute(request)) {
      if (response.code() == 404) {
        return false;
      }
      requireStatus(request, response, 200);
      return true;
    }
  }

  /** Uploads {@code blob} unless present: POST an upload, PUT the whole content with its digest. */
  public void pushBlob(String repository, Blob blob) {
    if (blobExists(repository, blob.digest())) {
      return;
    }
    Request start =
        new Request.Builder()
            .url(url(repository, "blobs/uploads/"))
            .post(RequestBody.create(new byte[0], OCTET_STREAM))
            .build();
    String location;
    try (Response response = execute(start)) {
      requireStatus(start, response, 202);
      location = response.header("Location");
    }
    HttpUrl upload =
        HttpUrl.get(baseUrl)
            .resolve(location)
            .newBuilder()
            .addQueryParameter("digest", blob.digest())
            .build();
    RequestBody body =
        blob.file() != null
            ? RequestBody.create(blob.file().toFile(), OCTET_STREAM)
            : RequestBody.create(blob.bytes(), OCTET_STREAM);
    Request put = new Request.Builder().url(upload).put(body).build();
    try (Response response = execute(put)) {
      requireStatus(put, response, 201);
    }
  }

  /** Puts a manifest; returns the registry's {@code Docker-Content-Digest}. */
  public String putManifest(String repository, String reference, String mediaType, byte[] content) {
    Request request =
        new Request.Builder()
            .url(url(repository, "manifests/" + reference))
            .put(RequestBody.create(content, MediaType.get(mediaType)))
            .build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 201);
      return response.header("Docker-Content-Digest");
    }
  }

  /** Reads a manifest, accepting every manifest and index media type. */
  public FetchedManifest manifest(String repository, String reference) {
    return manifest(repository, reference, MediaTypes.ALL_MANIFESTS);
  }

  public FetchedManifest manifest(String repository, String reference, List<String> accept) {
    Request request =
        new Request.Builder()
            .url(url(repository, "manifests/" + reference))
            .header("Accept", String.join(", ", accept))
            .build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 200);
      byte[] content = response.body().bytes();
      String contentType = response.header("Content-Type", "");
      return new FetchedManifest(
          response.header("Docker-Content-Digest", Sha256.digest(content)),
          contentType.split(";")[0].trim(),
          content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + request.url(), e);
    }
  }

  public byte[] blob(String repository, String digest) {
    Request request = new Request.Builder().url(url(repository, "blobs/" + digest)).build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 200);
      return response.body().bytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + request.url(), e);
    }
  }

  /**
   * Part of a blob, e.g. {@code bytes=-4} for a gzip trailer; the registry answers 206.
   *
   * @param range the {@code Range} header value
   */
  public byte[] blobRange(String repository, String digest, String range) {
    Request request =
        new Request.Builder()
            .url(url(repository, "blobs/" + digest))
            .header("Range", range)
            .build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 206);
      return response.body().bytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + request.url(), e);
    }
  }

  /** Deletes a manifest by digest (distribution deletes by digest only). */
  public void deleteManifest(String repository, String digest) {
    Request request =
        new Request.Builder().url(url(repository, "manifests/" + digest)).delete().build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 202);
    }
  }

  /** The repository's tags, unsorted as the registry lists them. */
  public List<String> tags(String repository) {
    Request request = new Request.Builder().url(url(repository, "tags/list")).build();
    try (Response response = execute(request)) {
      requireStatus(request, response, 200);
      JsonNode json = JSON.readTree(response.body().string());
      List<String> tags = new ArrayList<>();
      json.path("tags").forEach(tag -> tags.add(tag.asText()));
      return tags;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + request.url(), e);
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private String url(String repository, String path) {
    return baseUrl + "/v2/" + repository + "/" + path;
  }

  private Response execute(Request request) {
    try {
      return http.newCall(request).execute();
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.url() + " failed", e);
    }
  }

  private static void requireStatus(Request request, Response response, int expected) {
    if (response.code() != expected) {
      String body;
      try {
        body = response.body().string();
      } catch (IOException e) {
        body = "(unreadable: " + e + ")";
      }
      throw new RegistryResponseException(
          request.method() + " " + request.url(), response.code(), body);
    }
  }
}
