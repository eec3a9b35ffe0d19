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

  private static List<String> problemsOf(LabelSelector selector) {
    List<String> problems = new ArrayList<>();
    LabelSelectorMatcher.compile(selector, "spec.match.objectSelector", problems);
    return problems;
  }

  @Test
  void aLabelKeyOverTheKubernetesLimitIsRefusedNamingTheFieldAndTheCap() {
    String key = "a".repeat(253) + "/" + "b".repeat(64);
    assertThat(problemsOf(new LabelSelectorBuilder().addToMatchLabels(key, "x").build()))
        .singleElement()
        .asString()
        .startsWith("spec.match.objectSelector.matchLabels: a label key is 318 characters long")
        .contains("at most 317");
    assertThat(
            problemsOf(
                new LabelSelectorBuilder()
                    .addNewMatchExpression()
                    .withKey(key)
                    .withOperator("Exists")
                    .endMatchExpression()
                    .build()))
        .singleElement()
        .asString()
        .startsWith("spec.match.objectSelector.matchExpressions[0].key: a label key is 318");
  }

  @Test
  void aLabelValueOver63CharactersIsRefusedNamingTheFieldAndTheCap() {
    assertThat(
            problemsOf(new LabelSelectorBuilder().addToMatchLabels("env", "v".repeat(64)).build()))
        .singleElement()
        .asString()
        .isEqualTo(
            "spec.match.objectSelector.matchLabels.env: a label value is 64 characters long;"
                + " at most 63 are allowed");
    assertThat(
            problemsOf(
                new LabelSelectorBuilder()
                    .addNewMatchExpression()
                    .withKey("env")
                    .withOperator("In")
                    .withValues("ok", "v".repeat(64))
                    .endMatchExpression()
                    .build()))
        .singleElement()
        .asString()
        .startsWith("spec.match.objectSelector.matchExpressions[0].values[1]: a label value is 64");
  }

  @Test
  void moreValuesThanTheCapAreRefused() {
    List<String> values = new ArrayList<>();
    for (int i = 0; i <= LabelSelectorMatcher.MAX_VALUES; i++) {
      values.add("v" + i);
    }
    assertThat(
            problemsOf(
                new LabelSelectorBuilder()
                    .addNewMatchExpression()
                    .withKey("env")
                    .withOperator("NotIn")
                    .withValues(values)
                    .endMatchExpression()
                    .build()))
        .containsExactly(
            "spec.match.objectSelector.matchExpressions[0].values: has 257 values;"
                + " at most 256 are allowed");
  }

  @Test
  void moreRequirementsThanTheCapAreRefused() {
    LabelSelectorBuilder builder = new LabelSelectorBuilder();
    for (int i = 0; i <= LabelSelectorMatcher.MAX_REQUIREMENTS; i++) {
      builder.addToMatchLabels("k" + i, "v");
    }
    assertThat(problemsOf(builder.build()))
        .containsExactly(
            "spec.match.objectSelector: has 65 matchLabels and matchExpressions;"
                + " at most 64 are allowed");
  }

  @Test
  void hugeWorkloadLabelsAreMatchedByLookUpWithoutARegex() {
    LabelSelectorMatcher matcher =
        LabelSelectorMatcher.compile(
            new LabelSelectorBuilder().addToMatchLabels("env", "prod").build(),
            "spec.match.objectSelector",
            new ArrayList<>());
    assertThat(matcher.matches(Map.of("env", "p".repeat(1_000_000)))).isFalse();
    assertThat(matcher.matches(Map.of("env", "prod", "x".repeat(100_000), "y"))).isTrue();
  }
}
