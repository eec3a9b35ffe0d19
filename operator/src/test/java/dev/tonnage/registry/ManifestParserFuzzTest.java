package dev.tonnage.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes a registry serves as a manifest, index or config are parsed or refused with {@link
 * InvalidManifestException} or {@link UnsupportedMediaTypeException}, and a parsed manifest and
 * config assemble into facts; within the per-input budget. Seeds hold 100,000-deep nesting, huge
 * numbers and strings, and over-long base names.
 */
class ManifestParserFuzzTest {

  private static final ImageReference REF = ImageReference.parse("registry.example/app:1");

  static {
    try {
      ManifestParser.parseManifest(
          "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8), null, REF);
      ManifestParser.parseConfig("{}".getBytes(StandardCharsets.UTF_8), REF);
    } catch (RegistryException e) {
      throw new AssertionError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void parsesOrRefusesEveryDocument(byte[] input) {
    long start = FuzzBudget.start();
    ManifestParser.Parsed parsed = null;
    ImageConfig config = null;
    try {
      parsed = ManifestParser.parseManifest(input, null, REF);
    } catch (InvalidManifestException | UnsupportedMediaTypeException e) {
      // refused with a message: the documented outcome
    }
    try {
      config = ManifestParser.parseConfig(input, REF);
    } catch (InvalidManifestException e) {
      // refused with a message: the documented outcome
    }
    if (parsed instanceof ImageManifest manifest) {
      try {
        FactsAssembler.requireImage(manifest, REF);
      } catch (NotAnImageException e) {
        // refused with a message: the documented outcome
      }
    }
    if (parsed instanceof ImageManifest manifest && config != null) {
      RetainedBytes.of(
          new ImageFacts(
              REF,
              "sha256:" + "0".repeat(64),
              manifest.mediaType(),
              java.util.List.of(
                  FactsAssembler.assemble(null, "sha256:" + "1".repeat(64), manifest, config))));
    }
    if (parsed instanceof ImageIndex index) {
      index.imageEntries();
    }
    FuzzBudget.check(start, input);
  }
}
