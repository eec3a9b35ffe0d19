package dev.tonnage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.metrics.PromQl.Selector;
import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsSelectorsPastFunctionsGroupingRangesAndStrings() {
    String expr =
        "sum by (cache) (rate(cache_gets_total{job=~\"$job\", result=\"hit\"}[$__rate_interval]))"
            + " / on(job) group_left(instance) sum without (le) (up) > 0.5 * 1e3"
            + " or time() - max(tonnage_audit_last_success_timestamp_seconds) offset 5m";

    assertThat(PromQl.selectors(expr))
        .containsExactly(
            new Selector("cache_gets_total", "job=~\"$job\", result=\"hit\""),
            new Selector("up", ""),
            new Selector("tonnage_audit_last_success_timestamp_seconds", ""));
  }

  @Test
  void braceInsideALabelValueDoesNotEndTheMatchers() {
    assertThat(PromQl.selectors("x{a=\"}\", b=~\"2..\"}"))
        .containsExactly(new Selector("x", "a=\"}\", b=~\"2..\""));
  }
}
