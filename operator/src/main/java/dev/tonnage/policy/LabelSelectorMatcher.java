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

  /** Kubernetes' own limit on a label key: a 253-character DNS prefix, '/', a 63-character name. */
  static final int MAX_KEY_LENGTH = 253 + 1 + 63;

  /** Kubernetes' own limit on a label value. */
  static final int MAX_VALUE_LENGTH = 63;

  /** Values of one In or NotIn: generous for a hand-written selector, bounded for the compiler. */
  static final int MAX_VALUES = 256;

  /** matchLabels and matchExpressions together in one selector. */
  static final int MAX_REQUIREMENTS = 64;

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
    Map<String, String> matchLabels = selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    int count =
        (matchLabels == null ? 0 : matchLabels.size())
            + (expressions == null ? 0 : expressions.size());
    if (count > MAX_REQUIREMENTS) {
      problems.add(
          path
              + ": has "
              + count
              + " matchLabels and matchExpressions; at most "
              + MAX_REQUIREMENTS
              + " are allowed");
      return EVERYTHING;
    }
    if (matchLabels != null) {
      for (Map.Entry<String, String> e : matchLabels.entrySet()) {
        if (e.getKey() == null || e.getKey().isEmpty()) {
          problems.add(path + ".matchLabels: a label key is empty");
        } else if (e.getKey().length() > MAX_KEY_LENGTH) {
          problems.add(path + ".matchLabels: " + keyTooLong(e.getKey()));
        } else if (e.getValue() == null) {
          problems.add(path + ".matchLabels." + e.getKey() + ": the value is missing");
        } else if (e.getValue().length() > MAX_VALUE_LENGTH) {
          problems.add(path + ".matchLabels." + e.getKey() + ": " + valueTooLong(e.getValue()));
        } else {
          requirements.add(LabelRequirement.equalTo(e.getKey(), e.getValue()));
        }
      }
    }
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
    if (key.length() > MAX_KEY_LENGTH) {
      problems.add(path + ".key: " + keyTooLong(key));
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
    if (given.size() > MAX_VALUES) {
      problems.add(
          path
              + ".values: has "
              + given.size()
              + " values; at most "
              + MAX_VALUES
              + " are allowed");
      return null;
    }
    for (int i = 0; i < given.size(); i++) {
      String value = given.get(i);
      if (value == null) {
        problems.add(path + ".values[" + i + "]: must not be null");
        return null;
      }
      if (value.length() > MAX_VALUE_LENGTH) {
        problems.add(path + ".values[" + i + "]: " + valueTooLong(value));
        return null;
      }
    }
    return new LabelRequirement(key, op, new LinkedHashSet<>(given));
  }

  private static String keyTooLong(String key) {
    return "a label key is "
        + key.length()
        + " characters long; at most "
        + MAX_KEY_LENGTH
        + " are allowed (a 253-character prefix, '/', a 63-character name)";
  }

  private static String valueTooLong(String value) {
    return "a label value is "
        + value.length()
        + " characters long; at most "
        + MAX_VALUE_LENGTH
        + " are allowed";
  }

  /**
   * Whether {@code labels} (a workload's, untrusted) satisfy every requirement: map look-ups and
   * string equality only, so the time is linear in the labels' lengths.
   */
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
