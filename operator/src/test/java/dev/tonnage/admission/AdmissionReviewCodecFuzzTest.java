package dev.tonnage.admission;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;

/**
 * Any request body is an AdmissionRequest or an {@link InvalidReviewException}, within the
 * per-input budget. Seeds hold a body nested 100,000 levels deep.
 */
class AdmissionReviewCodecFuzzTest {

  private static final AdmissionReviewCodec CODEC = new AdmissionReviewCodec();

  static {
    try {
      CODEC.read("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (InvalidReviewException expected) {
      // warmed up
    }
  }

  @FuzzTest(maxDuration = "30s")
  void readsOrRefusesEveryBody(byte[] input) {
    long start = FuzzBudget.start();
    try {
      CODEC.read(input);
    } catch (InvalidReviewException e) {
      // refused with a message: the documented outcome
    }
    FuzzBudget.check(start, input);
  }
}
