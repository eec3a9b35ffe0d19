package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorMatcherTest {

  private static final Map<String, String> PROD = Map.of("env", "prod", "team", "payments");

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("absent", null, PROD, true),
        Arguments.of("empty", new LabelSelector(), PROD, true),
        Arguments.of("matchLabels equal", selector(Map.of("env", "prod")), PROD, true),
        Arguments.of("matchLabels other value", selector(Map.of("env", "dev")), PROD, false),
        Arguments.of("matchLabels absent key", selector(Map.of("tier", "web")), PROD, false),
        Arguments.of("In hit", expr("env", "In", "prod", "staging"), PROD, true),
        Arguments.of("In miss", expr("env", "In", "dev"), PROD, false),
        Arguments.of("In on absent key", expr("tier", "In", "web"), PROD, false),
        Arguments.of("NotIn hit", expr("env", "NotIn", "prod"), PROD, false),
        Arguments.of("NotIn miss", expr("env", "NotIn", "dev"), PROD, true),
        Arguments.of("NotIn on absent key", expr("tier", "NotIn", "web"), PROD, true),
        Arguments.of("Exists", expr("team", "Exists"), PROD, true),
        Arguments.of("Exists absent", expr("tier", "Exists"), PROD, false),
        Arguments.of("DoesNotExist", expr("tier", "DoesNotExist"), PROD, true),
        Arguments.of("DoesNotExist present", expr("env", "DoesNotExist"), PROD, false),
        Arguments.of(
            "labels and expressions all hold",
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("env", "prod"))
                .addNewMatchExpression()
                .withKey("team")
                .withOperator("In")
                .withValues("payments")
                .endMatchExpression()
                .build(),
            PROD,
            true),
        Arguments.of(
            "one of labels and expressions fails",
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("env", "prod"))
                .addNewMatchExpression()
                .withKey("team")
                .withOperator("NotIn")
                .withValues("payments")
                .endMatchExpression()
                .build(),
            PROD,
            false),
        Arguments.of("empty labels, empty selector", new LabelSelector(), Map.of(), true),
        Arguments.of("empty labels, NotIn", expr("env", "NotIn", "prod"), Map.of(), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void hasLabelSelectorSemantics(
      String name, LabelSelector selector, Map<String, String> labels, boolean matches) {
    List<String> problems = new ArrayList<>();
    LabelSelectorMatcher matcher = LabelSelectorMatcher.compile(selector, "sel", problems);
    assertThat(problems).isEmpty();
    assertThat(matcher.matches(labels)).isEqualTo(matches);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            expr("env", "Equals", "prod"),
            "sel.matchExpressions[0].operator: \"Equals\""
                + " is not one of In, NotIn, Exists, DoesNotExist"),
        Arguments.of(expr("env", "In"), "sel.matchExpressions[0].values: must not be empty for In"),
        Arguments.of(
            expr("env", "Exists", "x"),
            "sel.matchExpressions[0].values: must be empty" + " for Exists"),
        Arguments.of(expr("", "Exists"), "sel.matchExpressions[0].key: must be set"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void namesTheFieldOfAnInvalidRequirement(LabelSelector selector, String problem) {
    List<String> problems = new ArrayList<>();
    LabelSelectorMatcher.compile(selector, "sel", problems);
    assertThat(problems).containsExactly(problem);
  }

  @Test
  void anAbsentSelectorMatchesEverything() {
    assertThat(LabelSelectorMatcher.compile(null, "sel", new ArrayList<>()).matchesEverything())
        .isTrue();
  }

  private static LabelSelector selector(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }

  private static LabelSelector expr(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .build();
  }
}
