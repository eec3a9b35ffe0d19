package dev.tonnage.manifests;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Any bytes on standard input are manifests or problems, sorted into workloads, namespaces,
 * policies and exceptions without an exception escaping; within the per-input budget.
 */
class ManifestReaderFuzzTest {

  /** Loads the fabric8 deserializers and the policy compiler once: no input pays for that. */
  static {
    for (String seed : List.of("helm-template", "list-of-workloads")) {
      try (InputStream in =
          ManifestReaderFuzzTest.class.getResourceAsStream(
              "ManifestReaderFuzzTestInputs/readsOrRefusesEveryManifest/" + seed)) {
        readAndSort(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void readsOrRefusesEveryManifest(byte[] input) {
    long start = FuzzBudget.start();
    readAndSort(input);
    FuzzBudget.check(start, input);
  }

  private static void readAndSort(byte[] input) {
    List<String> problems = new ArrayList<>();
    List<ManifestObject> objects =
        new ManifestReader(new ByteArrayInputStream(input))
            .read(List.of(Path.of(ManifestReader.STDIN)), problems);
    Manifests.of(objects, "default", problems);
  }
}
