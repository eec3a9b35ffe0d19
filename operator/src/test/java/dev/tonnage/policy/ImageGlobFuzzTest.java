package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.nio.charset.StandardCharsets;

/**
 * Any glob (first line of the input) compiles or is refused with {@link IllegalArgumentException},
 * and matching any text (the rest) never throws and stays within the per-input budget. Where the
 * old regex translation is cheap to run (few wildcards, short text) both must agree. Seeds hold
 * {@code a*a*a*...b} globs against long texts.
 */
class ImageGlobFuzzTest {

  private static final int ORACLE_MAX_STARS = 3;
  private static final int ORACLE_MAX_TEXT = 64;

  static {
    // Compiled code, not the interpreter, is what the budget is about: run the matcher hot once.
    ImageGlob.compile("ghcr.io/" + "a**".repeat(160) + "b").matches("ghcr.io/" + "a/".repeat(250));
  }

  @FuzzTest(maxDuration = "30s")
  void compilesAndMatchesInLinearTime(byte[] input) {
    String all = new String(input, StandardCharsets.UTF_8);
    int newline = all.indexOf('\n');
    String glob = newline < 0 ? all : all.substring(0, newline);
    String text = newline < 0 ? "index.docker.io/library/nginx:1" : all.substring(newline + 1);
    long start = FuzzBudget.start();
    ImageGlob compiled;
    try {
      compiled = ImageGlob.compile(glob);
    } catch (IllegalArgumentException e) {
      FuzzBudget.check(start, input);
      return;
    }
    boolean matches = compiled.matches(text);
    FuzzBudget.check(start, input);
    if (glob.chars().filter(c -> c == '*').count() <= ORACLE_MAX_STARS
        && text.length() <= ORACLE_MAX_TEXT) {
      assertThat(matches)
          .as("glob %s against %s", glob, text)
          .isEqualTo(ImageGlobRegexOracle.matches(glob, text));
    }
  }
}
