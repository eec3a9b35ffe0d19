package dev.tonnage.testing.kube;

import java.util.List;

/**
 * A user the API server authenticates by bearer token (static token file).
 *
 * @param name the handle tests use, e.g. {@code operator}
 * @param user the Kubernetes user name, e.g. {@code system:serviceaccount:tonnage:operator}
 * @param groups the user's groups
 * @param token the bearer token (random per run)
 */
public record KubeIdentity(String name, String user, List<String> groups, String token) {

  public KubeIdentity {
    groups = List.copyOf(groups);
  }

  /** The line of kube-apiserver's {@code --token-auth-file}: token,user,uid,"group1,group2". */
  String tokenFileLine() {
    return token + "," + user + "," + user + ",\"" + String.join(",", groups) + "\"";
  }
}
