package dev.tonnage.admission;

/**
 * A reference to a Kubernetes object, as an Event's involvedObject or related field carries it.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind e.g. {@code Deployment}
 * @param namespace "" for cluster-scoped objects
 * @param name the object name
 * @param uid the object UID, "" when it does not exist yet (a CREATE)
 */
public record ObjectRef(
    String apiVersion, String kind, String namespace, String name, String uid) {}
