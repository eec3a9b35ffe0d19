package dev.tonnage.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The part of an AdmissionReview v1 request that Tonnage reads.
 *
 * @param apiVersion the review's apiVersion, echoed in the answer
 * @param uid the request UID, echoed in every answer
 * @param group API group of the object's kind ("" for core)
 * @param version API version of the object's kind
 * @param kind the object's kind, e.g. {@code Pod}, {@code Deployment}
 * @param resource the resource, e.g. {@code pods}
 * @param subResource the subresource, e.g. {@code ephemeralcontainers}, or ""
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param namespace the namespace of the request ("" for cluster-scoped)
 * @param name the object's name; may be "" on CREATE with generateName
 * @param dryRun whether the API server will not persist the change
 * @param object the object as it would be stored; null for DELETE
 * @param oldObject the stored object for UPDATE; null otherwise
 */
public record AdmissionRequest(
    String apiVersion,
    String uid,
    String group,
    String version,
    String kind,
    String resource,
    String subResource,
    Operation operation,
    String namespace,
    String name,
    boolean dryRun,
    JsonNode object,
    JsonNode oldObject) {

  /** Admission operations. */
  public enum Operation {
    CREATE,
    UPDATE,
    DELETE,
    CONNECT
  }

  /** The object's apiVersion as written in manifests: {@code v1} or {@code apps/v1}. */
  public String objectApiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
