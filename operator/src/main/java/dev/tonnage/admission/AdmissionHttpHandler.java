package dev.tonnage.admission;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes webhook requests by path (the API server appends {@code ?timeout=10s}; the query is
 * ignored), refuses what is not a POST of JSON within the size cap, receives the body as it arrives
 * within the {@link BodyBudget}, and writes the reviewer's answer. No thread waits for a body or
 * for registry facts. {@link #handle} never throws: whatever fails is answered with an
 * AdmissionReview.
 */
final class AdmissionHttpHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHttpHandler.class);

  /** The answer when even building an answer failed: fixed bytes, no allocation of note. */
  private static final byte[] LAST_RESORT =
      ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
              + "{\"uid\":\"\",\"allowed\":false,\"status\":{\"code\":500,\"message\":"
              + "\"internal error; the operator log has the details\",\"reason\":\"InternalError\"}}}")
          .getBytes(StandardCharsets.US_ASCII);

  private final AdmissionReviewer reviewer;
  private final Set<AdmissionEndpoint> endpoints;
  private final WebhookLimits limits;
  private final BodyBudget budget;
  private final FirstRequestDeadline deadline;

  AdmissionHttpHandler(
      AdmissionReviewer reviewer,
      Set<AdmissionEndpoint> endpoints,
      WebhookLimits limits,
      FirstRequestDeadline deadline) {
    this.reviewer = reviewer;
    this.endpoints = Set.copyOf(endpoints);
    this.limits = limits;
    this.budget = new BodyBudget(limits.maxConcurrentBodyReads(), limits.bufferedBytesBudget());
    this.deadline = deadline;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      if (deadline != null) {
        deadline.served(request);
      }
      route(request, response, callback);
    } catch (Throwable e) {
      LOG.error("answering a webhook request failed; answered with an internal error", e);
      lastResort(response, callback);
    }
    return true;
  }

  private void route(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Optional<AdmissionEndpoint> endpoint =
        AdmissionEndpoint.ofPath(path).filter(endpoints::contains);
    if (endpoint.isEmpty()) {
      send(
          response,
          callback,
          reviewer.refuse(null, 404, "no webhook at " + path + "; the webhooks are " + paths()));
      return;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              405,
              request.getMethod() + " is not supported; POST an AdmissionReview"));
      return;
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (!isJson(contentType)) {
      send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              415,
              "Content-Type is "
                  + (contentType == null ? "missing" : "\"" + contentType + "\"")
                  + "; expected application/json"));
      return;
    }
    long length = request.getLength();
    if (length > limits.maxBodyBytes()) {
      send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              413,
              "the request body is "
                  + length
                  + " bytes; at most "
                  + limits.maxBodyBytes()
                  + " bytes are accepted"));
      return;
    }
    Optional<BodyBudget.Lease> lease = budget.open();
    if (lease.isEmpty()) {
      send(
          response,
          callback,
          reviewer.refuse(
              endpoint.get(),
              503,
              "the webhook is receiving its limit of "
                  + limits.maxConcurrentBodyReads()
                  + " request bodies at once; retry"));
      return;
    }
    Callback released = releasing(callback, lease.get());
    BodyReader.read(request, lease.get(), limits)
        .whenComplete(
            (outcome, error) -> {
              try {
                lease.get().readDone();
                review(endpoint.get(), outcome, response, released);
              } catch (Throwable e) {
                LOG.error("answering a webhook request failed; answered with an internal error", e);
                lastResort(response, released);
              }
            });
  }

  private void review(
      AdmissionEndpoint endpoint,
      BodyReader.Outcome outcome,
      Response response,
      Callback callback) {
    if (outcome instanceof BodyReader.Refused refused) {
      LOG.debug("refused a request body: {}", refused.message());
      send(response, callback, reviewer.refuse(endpoint, refused.status(), refused.message()));
      return;
    }
    BodyReader.Body body = (BodyReader.Body) outcome;
    reviewer
        .review(endpoint, body.bytes(), body.length())
        .whenComplete(
            (answer, error) -> {
              if (answer != null) {
                send(response, callback, answer);
              } else {
                // The reviewer never fails its future and logs its own errors; a last defence.
                LOG.error("review answer failed", error);
                lastResort(response, callback);
              }
            });
  }

  /** Gives the body's bytes back to the budget once the answer is written (or failed). */
  private static Callback releasing(Callback callback, BodyBudget.Lease lease) {
    return new Callback() {
      @Override
      public void succeeded() {
        lease.close();
        callback.succeeded();
      }

      @Override
      public void failed(Throwable x) {
        lease.close();
        callback.failed(x);
      }

      @Override
      public InvocationType getInvocationType() {
        return callback.getInvocationType();
      }
    };
  }

  private static void lastResort(Response response, Callback callback) {
    try {
      if (response.isCommitted()) {
        callback.failed(new IllegalStateException("the answer failed after it was committed"));
        return;
      }
      response.setStatus(500);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, LAST_RESORT.length);
      response.write(true, ByteBuffer.wrap(LAST_RESORT), callback);
    } catch (Throwable e) {
      callback.failed(e);
    }
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

  private static void send(
      Response response, Callback callback, AdmissionReviewer.HttpAnswer answer) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }
}
