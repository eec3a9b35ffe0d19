package dev.tonnage.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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

  /**
   * 64 levels: the deepest path of an admitted kind (a CronJob's anti-affinity match expressions,
   * or its managedFields mirror) is about 25 levels below the review; Pods and workloads carry no
   * free-form JSON, so nothing legitimate comes near.
   */
  static final int MAX_NESTING_DEPTH = 64;

  /**
   * 200,000 tokens: a Pod at the 1.5 MiB object limit with its old version has far fewer; bounds
   * the tree a body becomes (tens of bytes per token) to about 10 MiB.
   */
  static final long MAX_TOKEN_COUNT = 200_000;

  /** 2 MiB: no string of a Kubernetes object can exceed the 1.5 MiB object limit. */
  static final int MAX_STRING_LENGTH = 2 * 1024 * 1024;

  /** 64 digits: numbers in Pod specs are ports, counts and seconds. */
  static final int MAX_NUMBER_LENGTH = 64;

  /** 16 KiB: field names are keys of labels, annotations and managedFields (at most ~320 chars). */
  static final int MAX_NAME_LENGTH = 16 * 1024;

  private final ObjectMapper mapper;

  public AdmissionReviewCodec() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxTokenCount(MAX_TOKEN_COUNT)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  /** Parses a request body; the exception's message says what is wrong in one line. */
  public AdmissionRequest read(byte[] body) throws InvalidReviewException {
    return read(body, body.length);
  }

  /** Parses the first {@code length} bytes of {@code body}. */
  public AdmissionRequest read(byte[] body, int length) throws InvalidReviewException {
    JsonNode root;
    try {
      root = mapper.readTree(body, 0, length);
    } catch (StreamConstraintsException e) {
      throw new InvalidReviewException("", overLimit(e) + "; expected an AdmissionReview");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidReviewException(
          "",
          "the body is not JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + "; expected an AdmissionReview");
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

  /** Names the parser limit a body exceeded (Jackson's message says which, not its own cap). */
  private static String overLimit(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Document nesting depth")) {
      return "the body nests deeper than " + MAX_NESTING_DEPTH + " levels";
    }
    if (message.startsWith("Token count")) {
      return "the body has more than " + MAX_TOKEN_COUNT + " JSON tokens";
    }
    if (message.startsWith("String value length")) {
      return "the body has a string longer than " + MAX_STRING_LENGTH + " characters";
    }
    if (message.startsWith("Number value length")) {
      return "the body has a number longer than " + MAX_NUMBER_LENGTH + " digits";
    }
    if (message.startsWith("Name length")) {
      return "the body has a field name longer than " + MAX_NAME_LENGTH + " characters";
    }
    return "the body exceeds a parser limit";
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
      case 408 -> "Timeout";
      case 415 -> "UnsupportedMediaType";
      case 429 -> "TooManyRequests";
      case 503 -> "ServiceUnavailable";
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
