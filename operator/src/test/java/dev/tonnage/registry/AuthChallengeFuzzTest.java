package dev.tonnage.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Any WWW-Authenticate values parse without an exception, within the per-input budget. */
class AuthChallengeFuzzTest {

  static {
    AuthChallenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry\"");
  }

  @FuzzTest(maxDuration = "30s")
  void parsesEveryHeader(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    long start = FuzzBudget.start();
    AuthChallenge.parse(text);
    AuthChallenge.choose(Arrays.asList(text.split("\n", -1)));
    FuzzBudget.check(start, input);
  }
}
