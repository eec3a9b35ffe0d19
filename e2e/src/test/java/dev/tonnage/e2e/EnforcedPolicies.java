package dev.tonnage.e2e;

import dev.tonnage.testing.kube.KubeApiServer;

/** Policies that several E2E classes put in force before they try to admit a workload. */
public final class EnforcedPolicies {

  /** A ClusterImagePolicy that denies every image over 1 MiB compressed. */
  public static final String AT_MOST_1MI =
      """
      apiVersion: tonnage.dev/v1alpha1
      kind: ClusterImagePolicy
      metadata:
        name: at-most-1mi
      spec:
        action: Enforce
        limits:
          maxCompressedSize: 1Mi
      """;

  private EnforcedPolicies() {}

  /** Applies {@link #AT_MOST_1MI} through kubectl. */
  public static void atMostOneMebibyte(KubeApiServer kube) {
    kube.apply(AT_MOST_1MI).requireSuccess();
  }
}
