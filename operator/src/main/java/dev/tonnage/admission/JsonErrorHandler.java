package dev.tonnage.admission;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty itself refuses (a malformed request line, headers over the limit, a failure
 * outside the webhook handler) with an AdmissionReview-shaped JSON status, never an HTML page and
 * never a cause or stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setShowMessageInTitle(false);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attribute = request.getAttribute(ERROR_STATUS);
    if (attribute instanceof Integer code) {
      status = code;
    }
    if (status < 400 || status > 599) {
      status = HttpStatus.INTERNAL_SERVER_ERROR_500;
    }
    String reason = HttpStatus.getMessage(status);
    byte[] body =
        codec.write(
            AdmissionResponse.refuse(
                "", status, "the webhook refused the request: " + status + " " + reason));
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
