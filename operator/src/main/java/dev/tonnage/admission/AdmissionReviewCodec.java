package dev.tonnage.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads AdmissionReview requests and writes AdmissionReview answers (admission.k8s.io/v1; v1beta1
 * has the same shape and is echoed when it arrives). Reading keeps the object as a JSON tree: the
 * handlers need a few fields of it and the exact shape of its metadata for patches.
 */
public final class AdmissionReviewCodec {

  private static final String V1BETA1 = "admission.k8s.io/v1beta1";
  private final ObjectMapper mapper;

  public AdmissionReviewCodec() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  /** Parses a request body; the exception's message says what is wrong in one line. */
  public AdmissionRequest read(byte[] body) throws InvalidReviewException {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidReviewException(
          "",
          "the body is not JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "); expected an AdmissionReview");
    } catch (IOException e) {
      throw new InvalidReviewException("", "the body could not be read as JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidReviewException(
          "", "the body is not a JSON object; expected an AdmissionReview");
    }
    JsonNode request = root.path("request");
    String uid = text(request, "uid");
    if (!"AdmissionReview".equals(text(root, "kind"))) {
      throw new InvalidReviewException(
          uid, "kind is \"" + text(root, "kind") + "\"; expected AdmissionReview");
    }
    String apiVersion = text(root, "apiVersion");
    if (!AdmissionResponse.V1.equals(apiVersion) && !V1BETA1.equals(apiVersion)) {
      throw new InvalidReviewException(
          uid, "apiVersion is \"" + apiVersion + "\"; expected " + AdmissionResponse.V1);
    }
    if (!request.isObject()) {
      throw new InvalidReviewException("", "the AdmissionReview has no request");
    }
    if (uid.isEmpty()) {
      throw new InvalidReviewException("", "the AdmissionReview request has no uid");
    }
    JsonNode kind = request.path("kind");
    if (text(kind, "kind").isEmpty()) {
      throw new InvalidReviewException(uid, "request.kind.kind is missing");
    }
    AdmissionRequest.Operation operation;
    try {
      operation =
          AdmissionRequest.Operation.valueOf(text(request, "operation").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidReviewException(
          uid,
          "request.operation is \""
              + text(request, "operation")
              + "\"; expected CREATE, UPDATE, DELETE or CONNECT");
    }
    return new AdmissionRequest(
        apiVersion,
        uid,
        text(kind, "group"),
        text(kind, "version"),
        text(kind, "kind"),
        text(request.path("resource"), "resource"),
        text(request, "subResource"),
        operation,
        text(request, "namespace"),
        text(request, "name"),
        request.path("dryRun").asBoolean(false),
        objectOrNull(request.get("object")),
        objectOrNull(request.get("oldObject")));
  }

  /**
   * Writes the answer as an AdmissionReview; a patch is base64-encoded with patchType JSONPatch.
   */
  public byte[] write(AdmissionResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("apiVersion", response.apiVersion());
      json.writeStringField("kind", "AdmissionReview");
      json.writeObjectFieldStart("response");
      json.writeStringField("uid", response.uid());
      json.writeBooleanField("allowed", response.allowed());
      if (!response.allowed() || response.message() != null) {
        json.writeObjectFieldStart("status");
        json.writeNumberField("code", response.code());
        if (response.message() != null) {
          json.writeStringField("message", response.message());
        }
        String reason = reason(response.code());
        if (reason != null) {
          json.writeStringField("reason", reason);
        }
        json.writeEndObject();
      }
      if (!response.warnings().isEmpty()) {
        json.writeArrayFieldStart("warnings");
        for (String warning : response.warnings()) {
          json.writeString(warning);
        }
        json.writeEndArray();
      }
      if (response.patch() != null) {
        json.writeStringField("patchType", "JSONPatch");
        json.writeStringField(
            "patch",
            Base64.getEncoder().encodeToString(response.patch().getBytes(StandardCharsets.UTF_8)));
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an AdmissionReview", e);
    }
    return out.toByteArray();
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** The metav1.StatusReason for the codes Tonnage answers with. */
  private static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 413 -> "RequestEntityTooLarge";
      case 415 -> "UnsupportedMediaType";
      case 500 -> "InternalError";
      case 504 -> "Timeout";
      default -> null;
    };
  }

  private static JsonNode objectOrNull(JsonNode node) {
    return node == null || node instanceof NullNode || !node.isObject() ? null : node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : "";
  }
}
