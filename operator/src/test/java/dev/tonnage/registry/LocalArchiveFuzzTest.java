package dev.tonnage.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tonnage.fuzz.FuzzBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Any bytes given as a {@code docker-archive:} or {@code oci-archive:} file are read into facts or
 * refused with a {@link RegistryException}, within the per-input budget. Seeds hold a docker save
 * tar, names climbing out, links pointing out and PAX and GNU long names.
 */
class LocalArchiveFuzzTest {

  private static final ImageReference REF = ImageReference.parse("local.invalid/fuzz/app:1");

  static {
    // Class loading and the first JSON parse are not the input's cost: pay them before the budget.
    byte[] layer = "warm".getBytes(StandardCharsets.UTF_8);
    byte[] config =
        ("{\"rootfs\":{\"diff_ids\":[\"" + Digests.of(layer, null) + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        "[{\"Config\":\"c.json\",\"Layers\":[\"l.tar\"]}]".getBytes(StandardCharsets.UTF_8);
    readsAll(
        LocalImageFixtures.tar(
            List.of(
                LocalImageFixtures.TarEntry.file("manifest.json", manifest),
                LocalImageFixtures.TarEntry.file("c.json", config),
                LocalImageFixtures.TarEntry.file("l.tar", layer))));
  }

  @FuzzTest(maxDuration = "30s")
  void readsOrRefusesEveryArchive(byte[] input) {
    long start = FuzzBudget.start();
    readsAll(input);
    FuzzBudget.check(start, input);
  }

  private static void readsAll(byte[] input) {
    Path file = null;
    try {
      file = Files.createTempFile("tonnage-fuzz", ".tar");
      Files.write(file, input);
      for (LocalImage.Transport transport :
          new LocalImage.Transport[] {
            LocalImage.Transport.DOCKER_ARCHIVE, LocalImage.Transport.OCI_ARCHIVE
          }) {
        try {
          LocalImageReader.read(
              new LocalImage(transport, file, null),
              REF,
              true,
              Instant.now().plus(Duration.ofSeconds(10)));
        } catch (RegistryException e) {
          // refused with a message: the documented outcome
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }
}
