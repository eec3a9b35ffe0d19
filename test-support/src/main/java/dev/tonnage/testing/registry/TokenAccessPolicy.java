package dev.tonnage.testing.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may do what: anonymous callers may only pull repositories under {@code public/}; the
 * configured user may pull, push and delete everything and list the catalog. Actions that are not
 * allowed are left out of the token, as real token servers do; the registry then answers 401.
 */
public final class TokenAccessPolicy {

  public static final String PUBLIC_PREFIX = "public/";

  private static final Set<String> USER_ACTIONS = Set.of("pull", "push", "delete", "*");

  private TokenAccessPolicy() {}

  /**
   * What {@code user} (null for anonymous) is granted of the requested scopes.
   *
   * @return one entry per requested scope, its actions narrowed to the allowed ones
   */
  public static List<ResourceAccess> grant(String user, List<ResourceAccess> requested) {
    List<ResourceAccess> granted = new ArrayList<>();
    for (ResourceAccess scope : requested) {
      List<String> allowed = new ArrayList<>();
      for (String action : scope.actions()) {
        if (allows(user, scope, action) && !allowed.contains(action)) {
          allowed.add(action);
        }
      }
      granted.add(new ResourceAccess(scope.type(), scope.name(), allowed));
    }
    return granted;
  }

  private static boolean allows(String user, ResourceAccess scope, String action) {
    if (user != null) {
      return switch (scope.type()) {
        case "repository" -> USER_ACTIONS.contains(action);
        case "registry" -> "catalog".equals(scope.name()) && "*".equals(action);
        default -> false;
      };
    }
    return "repository".equals(scope.type())
        && scope.name().startsWith(PUBLIC_PREFIX)
        && "pull".equals(action);
  }
}
