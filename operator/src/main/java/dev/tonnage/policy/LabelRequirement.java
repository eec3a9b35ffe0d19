package dev.tonnage.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One requirement of a label selector or node selector term, with Kubernetes semantics.
 *
 * @param key the label key
 * @param operator how the label's value is tested
 * @param values the values for In and NotIn; empty otherwise
 */
public record LabelRequirement(String key, Operator operator, Set<String> values) {

  /** The operators of LabelSelectorRequirement and NodeSelectorRequirement. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String text;

    Operator(String text) {
      this.text = text;
    }

    /** The operator as written in YAML, e.g. {@code NotIn}. */
    public String text() {
      return text;
    }

    /** The operator written {@code text}, or null when there is none. */
    static Operator fromText(String text) {
      for (Operator op : values()) {
        if (op.text.equals(text)) {
          return op;
        }
      }
      return null;
    }
  }

  public LabelRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = Set.copyOf(values);
  }

  public static LabelRequirement equalTo(String key, String value) {
    return new LabelRequirement(key, Operator.IN, Set.of(value));
  }

  /** Whether {@code labels} satisfy this requirement (NotIn is satisfied by an absent label). */
  public boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    return switch (operator) {
      case IN -> value != null && values.contains(value);
      case NOT_IN -> value == null || !values.contains(value);
      case EXISTS -> value != null;
      case DOES_NOT_EXIST -> value == null;
    };
  }
}
