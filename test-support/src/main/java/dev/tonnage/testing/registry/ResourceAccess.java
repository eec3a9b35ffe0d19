package dev.tonnage.testing.registry;

import java.util.List;

/**
 * One entry of a token's {@code access} claim, and of a parsed {@code scope} parameter.
 *
 * @param type {@code repository} or {@code registry}
 * @param name repository name, or {@code catalog}
 * @param actions e.g. {@code pull}, {@code push}, {@code delete}, {@code *}
 */
public record ResourceAccess(String type, String name, List<String> actions) {

  public ResourceAccess {
    actions = List.copyOf(actions);
  }

  /**
   * Parses {@code type:name:action,action}. The name may itself contain colons (a registry host
   * with a port), so type ends at the first colon and actions start after the last.
   */
  public static ResourceAccess parseScope(String scope) {
    int first = scope.indexOf(':');
    int last = scope.lastIndexOf(':');
    if (first < 0 || last == first) {
      throw new IllegalArgumentException(
          "invalid scope \"" + scope + "\": expected type:name:actions, e.g. repository:app:pull");
    }
    String type = scope.substring(0, first);
    int classStart = type.indexOf('(');
    if (classStart >= 0) {
      type = type.substring(0, classStart); // "repository(plugin)": the class is not used here
    }
    String actions = scope.substring(last + 1);
    return new ResourceAccess(
        type,
        scope.substring(first + 1, last),
        actions.isEmpty() ? List.of() : List.of(actions.split(",")));
  }
}
