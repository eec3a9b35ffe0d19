package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What differs between ClusterImagePolicy and ImagePolicy for the audit: their key and scope, how
 * their spec compiles, and how the status is read and written on their class.
 *
 * @param <P> the policy resource class
 */
public interface PolicyKind<P extends HasMetadata> {

  PolicyKey keyOf(P policy);

  /** The namespace whose Pods the policy covers, or null for every namespace. */
  String auditedNamespace(P policy);

  /** Compiles the spec with the shared evaluator. */
  AuditPolicy compile(P policy) throws InvalidPolicyException;

  /** The policy's current status, {@link AuditStatus#EMPTY} when it has none. */
  AuditStatus statusOf(P policy);

  /**
   * A fresh object carrying only the policy's name, namespace and {@code status}: what a status
   * patch sends, so it can never overwrite spec or metadata.
   */
  P statusPatch(P policy, AuditStatus status);
}
