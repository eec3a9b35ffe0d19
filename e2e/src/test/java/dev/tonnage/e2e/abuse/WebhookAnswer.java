package dev.tonnage.e2e.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * What the webhook port answered to one POST, with how long it took; {@link #toString()} says it
 * all in one line for a failure message.
 *
 * @param status the HTTP status, or -1 when no answer came (the error is in {@code body})
 * @param contentType the Content-Type header, or "" when none
 * @param body the response body (or the client-side error when none came)
 * @param took from sending the request to the last byte of the answer
 */
public record WebhookAnswer(int status, String contentType, String body, Duration took) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How much of a body a failure message quotes. */
  private static final int QUOTED_BODY_CHARS = 300;

  /** The body as JSON, or null when it is not JSON. */
  JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Whether the answer is a JSON AdmissionReview with a response (the only thing a webhook may
   * say).
   */
  boolean isAdmissionReview() {
    JsonNode json = json();
    return contentType.toLowerCase(Locale.ROOT).startsWith("application/json")
        && json != null
        && "AdmissionReview".equals(json.path("kind").asText())
        && json.path("response").isObject();
  }

  boolean allowed() {
    JsonNode json = json();
    return json != null && json.path("response").path("allowed").asBoolean(false);
  }

  String uid() {
    JsonNode json = json();
    return json == null ? "" : json.path("response").path("uid").asText();
  }

  /** response.status.code, or 0 when absent. */
  int reviewCode() {
    JsonNode json = json();
    return json == null ? 0 : json.path("response").path("status").path("code").asInt(0);
  }

  /** The status message and the warnings, one per line: what a user would read. */
  String userText() {
    JsonNode json = json();
    if (json == null) {
      return "";
    }
    StringBuilder text =
        new StringBuilder(json.path("response").path("status").path("message").asText());
    for (JsonNode warning : json.path("response").path("warnings")) {
      text.append('\n').append(warning.asText());
    }
    return text.toString();
  }

  @Override
  public String toString() {
    String quoted =
        body.length() > QUOTED_BODY_CHARS
            ? body.substring(0, QUOTED_BODY_CHARS) + "...(" + body.length() + " chars)"
            : body;
    return "HTTP "
        + status
        + " ["
        + contentType
        + "] after "
        + took.toMillis()
        + " ms: "
        + quoted.replace('\n', ' ');
  }
}
