package dev.tonnage.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.nio.charset.StandardCharsets;

/**
 * Any docker config is credentials or an {@link IllegalArgumentException}, and looking a host up
 * (the input's first line) never throws; within the per-input budget.
 */
class DockerConfigCredentialsFuzzTest {

  static {
    DockerConfigCredentials.fromJson("{\"auths\":{\"*.example.com\":{\"auth\":\"dTpw\"}}}")
        .forRegistry("a.example.com");
  }

  @FuzzTest(maxDuration = "30s")
  void readsOrRefusesEveryConfig(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String host = newline < 0 ? "registry.example" : text.substring(0, newline);
    String json = newline < 0 ? text : text.substring(newline + 1);
    long start = FuzzBudget.start();
    try {
      DockerConfigCredentials.fromJson(json).forRegistry(host);
    } catch (IllegalArgumentException e) {
      // refused with a message: the documented outcome
    }
    FuzzBudget.check(start, input);
  }
}
