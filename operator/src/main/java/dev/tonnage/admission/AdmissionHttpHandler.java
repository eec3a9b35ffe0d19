package dev.tonnage.admission;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes webhook requests by path (the API server appends {@code ?timeout=10s}; the query is
 * ignored), refuses what is not a POST of JSON within the size cap, and writes the reviewer's
 * answer. The body is read on a Jetty worker thread; waiting for registry facts holds no thread.
 */
final class AdmissionHttpHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHttpHandler.class);

  private final AdmissionReviewer reviewer;
  private final Set<AdmissionEndpoint> endpoints;
  private final int maxBodyBytes;

  AdmissionHttpHandler(
      AdmissionReviewer reviewer, Set<AdmissionEndpoint> endpoints, int maxBodyBytes) {
    this.reviewer = reviewer;
    this.endpoints = Set.copyOf(endpoints);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Optional<AdmissionEndpoint> endpoint =
        AdmissionEndpoint.ofPath(path).filter(endpoints::contains);
    if (endpoint.isEmpty()) {
      return send(
          response,
          callback,
          reviewer.refuse(null, 404, "no webhook at " + path + "; the webhooks are " + paths()));
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      return send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              405,
              request.getMethod() + " is not supported; POST an AdmissionReview"));
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (!isJson(contentType)) {
      return send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              415,
              "Content-Type is "
                  + (contentType == null ? "missing" : "\"" + contentType + "\"")
                  + "; expected application/json"));
    }
    long length = request.getLength();
    if (length > maxBodyBytes) {
      return send(response, callback, tooLarge(endpoint.get(), length));
    }
    byte[] body;
    try {
      body = readBody(request);
    } catch (IOException e) {
      LOG.debug("could not read a request body: {}", e.toString());
      return send(
          response,
          callback,
          reviewer.refuse(endpoint.get(), 400, "the request body could not be read"));
    }
    if (body == null) {
      return send(response, callback, tooLarge(endpoint.get(), -1));
    }
    reviewer
        .review(endpoint.get(), body)
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                // The reviewer never fails its future; this is a last line of defence.
                LOG.error("review answer failed", error);
                callback.failed(error);
              } else {
                send(response, callback, answer);
              }
            });
    return true;
  }

  private AdmissionReviewer.HttpAnswer tooLarge(AdmissionEndpoint endpoint, long length) {
    return reviewer.refuse(
        endpoint,
        413,
        "the request body "
            + (length > 0 ? "is " + length + " bytes" : "is too large")
            + "; at most "
            + maxBodyBytes
            + " bytes are accepted");
  }

  /** Reads the whole body, or returns null when it exceeds the cap. */
  private byte[] readBody(Request request) throws IOException {
    byte[] buffer =
        new byte[(int) Math.min(Math.max(request.getLength(), 8192), maxBodyBytes + 1L)];
    int total = 0;
    try (InputStream in = Content.Source.asInputStream(request)) {
      while (true) {
        if (total == buffer.length) {
          if (buffer.length > maxBodyBytes) {
            return null;
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, maxBodyBytes + 1L));
        }
        int read = in.read(buffer, total, buffer.length - total);
        if (read < 0) {
          break;
        }
        total += read;
      }
    }
    return total > maxBodyBytes ? null : Arrays.copyOf(buffer, total);
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json");
  }

  private String paths() {
    return endpoints.stream().map(AdmissionEndpoint::path).sorted().toList().toString();
  }

  private static boolean send(
      Response response, Callback callback, AdmissionReviewer.HttpAnswer answer) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
    return true;
  }
}
