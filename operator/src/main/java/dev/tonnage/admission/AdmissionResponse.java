package dev.tonnage.admission;

import java.util.List;

/**
 * The answer to one AdmissionReview.
 *
 * @param apiVersion the review apiVersion to answer in (the request's)
 * @param uid the request UID ("" only when the request had none that could be read)
 * @param allowed whether the API server may proceed
 * @param code the status code: 200 when allowed, 403 for a policy denial, 4xx/500 for errors
 * @param message why, for denials and errors; null when allowed
 * @param warnings admission warnings kubectl prints as {@code Warning:} lines
 * @param patch a JSON Patch (RFC 6902) document as JSON text, or null
 */
public record AdmissionResponse(
    String apiVersion,
    String uid,
    boolean allowed,
    int code,
    String message,
    List<String> warnings,
    String patch) {

  public static final String V1 = "admission.k8s.io/v1";

  public AdmissionResponse {
    warnings = List.copyOf(warnings);
  }

  public static AdmissionResponse allow(AdmissionRequest request) {
    return allow(request, List.of());
  }

  public static AdmissionResponse allow(AdmissionRequest request, List<String> warnings) {
    return new AdmissionResponse(
        request.apiVersion(), request.uid(), true, 200, null, warnings, null);
  }

  public static AdmissionResponse deny(
      AdmissionRequest request, int code, String message, List<String> warnings) {
    return new AdmissionResponse(
        request.apiVersion(), request.uid(), false, code, message, warnings, null);
  }

  /** A refusal of a request that could not be read; {@code uid} may be "". */
  public static AdmissionResponse refuse(String uid, int code, String message) {
    return new AdmissionResponse(V1, uid, false, code, message, List.of(), null);
  }

  public AdmissionResponse withPatch(String jsonPatch) {
    return new AdmissionResponse(apiVersion, uid, allowed, code, message, warnings, jsonPatch);
  }
}
