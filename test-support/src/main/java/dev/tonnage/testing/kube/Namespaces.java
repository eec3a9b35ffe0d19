package dev.tonnage.testing.kube;

/**
 * Namespaces on a {@link KubeApiServer}, which runs no controller-manager: nothing creates a
 * namespace's {@code default} ServiceAccount, so a namespace for Pods gets one made here.
 */
public final class Namespaces {

  private Namespaces() {}

  /** {@code kubectl create namespace} for each name. */
  public static void create(KubeApiServer kube, String... names) {
    for (String name : names) {
      kube.kubectl("create", "namespace", name).requireSuccess();
    }
  }

  /** Each namespace plus the {@code default} ServiceAccount that Pods in it need. */
  public static void createForPods(KubeApiServer kube, String... names) {
    for (String name : names) {
      create(kube, name);
      defaultServiceAccount(kube, name);
    }
  }

  /**
   * The {@code default} ServiceAccount of an existing namespace, without a token to mount (no
   * controller issues one).
   */
  public static void defaultServiceAccount(KubeApiServer kube, String namespace) {
    kube.apply(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: "
                + namespace
                + "}\nautomountServiceAccountToken: false\n")
        .requireSuccess();
  }
}
