package dev.tonnage.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A compiled LabelSelector: matchLabels and matchExpressions, all of which must hold. An absent or
 * empty selector matches everything.
 */
final class LabelSelectorMatcher {

  static final LabelSelectorMatcher EVERYTHING = new LabelSelectorMatcher(List.of());

  private final List<LabelRequirement> requirements;

  private LabelSelectorMatcher(List<LabelRequirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /**
   * Compiles {@code selector}, adding one entry to {@code problems} per invalid part, each starting
   * with its field path below {@code path}.
   */
  static LabelSelectorMatcher compile(LabelSelector selector, String path, List<String> problems) {
    if (selector == null) {
      return EVERYTHING;
    }
    List<LabelRequirement> requirements = new ArrayList<>();
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (e.getKey() == null || e.getKey().isEmpty()) {
          problems.add(path + ".matchLabels: a label key is empty");
        } else if (e.getValue() == null) {
          problems.add(path + ".matchLabels." + e.getKey() + ": the value is missing");
        } else {
          requirements.add(LabelRequirement.equalTo(e.getKey(), e.getValue()));
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    for (int i = 0; expressions != null && i < expressions.size(); i++) {
      LabelSelectorRequirement e = expressions.get(i);
      LabelRequirement requirement =
          requirement(
              e.getKey(),
              e.getOperator(),
              e.getValues(),
              path + ".matchExpressions[" + i + "]",
              problems);
      if (requirement != null) {
        requirements.add(requirement);
      }
    }
    return new LabelSelectorMatcher(requirements);
  }

  /**
   * One requirement from its parts, or null after adding to {@code problems}. In and NotIn need
   * values; Exists and DoesNotExist must have none.
   */
  static LabelRequirement requirement(
      String key, String operator, List<String> values, String path, List<String> problems) {
    if (key == null || key.isEmpty()) {
      problems.add(path + ".key: must be set");
      return null;
    }
    LabelRequirement.Operator op = LabelRequirement.Operator.fromText(operator);
    if (op == null) {
      problems.add(
          path + ".operator: \"" + operator + "\" is not one of In, NotIn, Exists, DoesNotExist");
      return null;
    }
    List<String> given = values == null ? List.of() : values;
    boolean needsValues =
        op == LabelRequirement.Operator.IN || op == LabelRequirement.Operator.NOT_IN;
    if (needsValues && given.isEmpty()) {
      problems.add(path + ".values: must not be empty for " + op.text());
      return null;
    }
    if (!needsValues && !given.isEmpty()) {
      problems.add(path + ".values: must be empty for " + op.text());
      return null;
    }
    return new LabelRequirement(key, op, new LinkedHashSet<>(given));
  }

  boolean matches(Map<String, String> labels) {
    for (LabelRequirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  boolean matchesEverything() {
    return requirements.isEmpty();
  }
}
