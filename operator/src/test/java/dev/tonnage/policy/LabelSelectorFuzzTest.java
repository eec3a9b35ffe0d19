package dev.tonnage.policy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any selector compiles (collecting problems, never throwing), and a compiled one matches any
 * workload labels without throwing; within the per-input budget.
 */
class LabelSelectorFuzzTest {

  private static final String[] OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", ""};

  static {
    LabelSelectorMatcher.compile(new LabelSelector(), "spec", new ArrayList<>()).matches(Map.of());
  }

  @FuzzTest(maxDuration = "30s")
  void compilesAndMatchesEverySelector(FuzzedDataProvider data) {
    long start = FuzzBudget.start();
    Map<String, String> matchLabels = new LinkedHashMap<>();
    int labelCount = data.consumeInt(0, 80);
    for (int i = 0; i < labelCount; i++) {
      matchLabels.put(data.consumeString(400), data.consumeString(100));
    }
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    int expressionCount = data.consumeInt(0, 80);
    for (int i = 0; i < expressionCount; i++) {
      List<String> values = new ArrayList<>();
      int valueCount = data.consumeInt(0, 300);
      for (int v = 0; v < valueCount; v++) {
        values.add(data.consumeString(80));
      }
      expressions.add(
          new LabelSelectorRequirement(data.consumeString(400), data.pickValue(OPERATORS), values));
    }
    Map<String, String> workloadLabels = new HashMap<>();
    int workloadCount = data.consumeInt(0, 40);
    for (int i = 0; i < workloadCount; i++) {
      workloadLabels.put(data.consumeString(400), data.consumeString(400));
    }
    List<String> problems = new ArrayList<>();
    LabelSelectorMatcher matcher =
        LabelSelectorMatcher.compile(
            new LabelSelector(expressions, matchLabels), "spec.match.objectSelector", problems);
    matcher.matches(workloadLabels);
    FuzzBudget.check(start, data.consumeRemainingAsBytes());
  }
}
