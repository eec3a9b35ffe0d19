package dev.tonnage.policy;

import static dev.tonnage.policy.Fixtures.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.api.v1alpha1.SizeLimits;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrowthLimitTest {

  @Test
  void aPercentageLimitsGrowthRelativeToThePreviousSizeAndAllowsExactlyTheLimit() {
    GrowthLimit tenPercent = GrowthLimit.parse("10%");
    assertThat(tenPercent.exceededBy(1000, 1100)).isFalse();
    assertThat(tenPercent.exceededBy(1000, 1101)).isTrue();
    assertThat(GrowthLimit.parse("2.5%").exceededBy(1000, 1025)).isFalse();
    assertThat(GrowthLimit.parse("2.5%").exceededBy(1000, 1026)).isTrue();
    assertThat(GrowthLimit.parse("0%").exceededBy(1000, 1001)).isTrue();
    assertThat(tenPercent.display()).isEqualTo("10%");
  }

  @Test
  void aQuantityLimitsTheBytesAdded() {
    GrowthLimit fifty = GrowthLimit.parse("50Mi");
    assertThat(fifty.exceededBy(10 * MIB, 60 * MIB)).isFalse();
    assertThat(fifty.exceededBy(10 * MIB, 60 * MIB + 1)).isTrue();
    assertThat(fifty.display()).isEqualTo("50 MiB");
    assertThat(GrowthLimit.parse("1G").display()).isEqualTo("953.6 MiB (1G)");
  }

  @Test
  void shrinkingOrStayingTheSameNeverExceedsAndGrowingFromNothingExceedsAPercentage() {
    assertThat(GrowthLimit.parse("0%").exceededBy(1000, 1000)).isFalse();
    assertThat(GrowthLimit.parse("0").exceededBy(1000, 10)).isFalse();
    assertThat(GrowthLimit.parse("1000%").exceededBy(0, 1)).isTrue();
  }

  @Test
  void percentagesOfHugeSizesAreExact() {
    long before = Long.MAX_VALUE / 2;
    assertThat(GrowthLimit.parse("100%").exceededBy(before, before * 2)).isFalse();
    assertThat(GrowthLimit.parse("100%").exceededBy(before, before * 2 + 1)).isTrue();
  }

  @Test
  void changesReadAsBytesAndPercentOfThePreviousSize() {
    assertThat(GrowthLimit.change(100 * MIB, 140 * MIB)).isEqualTo("+40 MiB, +40%");
    assertThat(GrowthLimit.change(3 * MIB, 2 * MIB)).isEqualTo("-1 MiB, -33.3%");
    assertThat(GrowthLimit.change(1000, 1000)).isEqualTo("+0 B, +0%");
    assertThat(GrowthLimit.change(0, 2048)).isEqualTo("+2 KiB");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ten%", "-5%", "10%%", "5 %", "%", "1.%", "10m", "5Mi%"})
  void refusesWhatIsNeitherAPercentageNorAQuantityNamingExamples(String text) {
    assertThatThrownBy(() -> GrowthLimit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a growth limit")
        .hasMessageContaining("10%")
        .hasMessageContaining("50Mi");
    assertThat(Pattern.compile(SizeLimits.GROWTH_PATTERN).matcher(text).matches()).isFalse();
  }

  @Test
  void aHostilelyLongLimitIsRefusedAndNotEchoedInFull() {
    String longText = "1".repeat(10_000) + "%";
    assertThatThrownBy(() -> GrowthLimit.parse(longText))
        .hasMessageContaining("at most " + SizeLimits.MAX_GROWTH_LENGTH + " characters")
        .message()
        .hasSizeLessThan(300);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10%", "0.5%", "50Mi", "1G", "1000000", "1e6"})
  void theCrdPatternAdmitsWhatTheParserAccepts(String text) {
    GrowthLimit.parse(text);
    assertThat(Pattern.compile(SizeLimits.GROWTH_PATTERN).matcher(text).matches()).isTrue();
  }

  @Test
  void aPolicyWithAnInvalidMaxGrowthIsRefusedWithTheFieldPath() {
    assertThatThrownBy(() -> Fixtures.cluster("limits: {maxGrowth: lots}"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("spec.limits.maxGrowth: \"lots\" is not a growth limit");
    assertThat(Fixtures.cluster("limits: {maxGrowth: 10%}").rules()).contains(Rule.MAX_GROWTH);
  }
}
