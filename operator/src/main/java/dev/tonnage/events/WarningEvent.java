package dev.tonnage.events;

import dev.tonnage.api.v1alpha1.ApiGroup;
import dev.tonnage.policy.PolicyRef;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.Objects;

/**
 * A Warning Event to record.
 *
 * @param involved the object the Event is about (the admitted or audited workload)
 * @param reason why
 * @param message what happened, naming the policy, for {@code kubectl describe}
 * @param related the policy that decided, or null
 * @param action what Tonnage was doing: {@link #ADMIT} or {@link #AUDIT}
 */
public record WarningEvent(
    ObjectReference involved,
    EventReason reason,
    String message,
    ObjectReference related,
    String action) {

  public static final String ADMIT = "Admit";
  public static final String AUDIT = "Audit";

  public WarningEvent {
    Objects.requireNonNull(involved, "involved");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(action, "action");
  }

  /** The reference to a policy, as an Event's {@code related} carries it. */
  public static ObjectReference policyReference(PolicyRef policy) {
    return reference(
        ApiGroup.API_VERSION, policy.kind().kind(), policy.namespace(), policy.name(), null);
  }

  /** A reference with empty namespace and uid left out, as the API server stores them. */
  public static ObjectReference reference(
      String apiVersion, String kind, String namespace, String name, String uid) {
    return new ObjectReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNamespace(namespace == null || namespace.isEmpty() ? null : namespace)
        .withName(name)
        .withUid(uid == null || uid.isEmpty() ? null : uid)
        .build();
  }
}
