package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Tar archives written by Python's tarfile: PAX and GNU long names, links, ustar. */
class TarEntriesTest {

  private static Path seed(String name) throws URISyntaxException {
    return Path.of(
        TarEntriesTest.class
            .getResource("LocalArchiveFuzzTestInputs/readsOrRefusesEveryArchive/" + name)
            .toURI());
  }

  @Test
  void paxAndGnuLongNamesNameTheirEntries() throws Exception {
    for (String[] archive :
        new String[][] {{"pax-long-names.tar", "x"}, {"gnu-long-names.tar", "y"}}) {
      try (TarEntries tar = TarEntries.open(seed(archive[0]), "test")) {
        String longName = "d/" + archive[1].repeat(200) + ".json";
        assertThat(tar.size(longName)).as(archive[0]).isPositive();
        assertThat(tar.size("d/" + archive[1].repeat(99))).isEqualTo(-1);
        try (InputStream in = tar.open(longName)) {
          assertThat(new String(in.readAllBytes())).startsWith("{\"os\": \"linux\"");
        }
      }
    }
  }

  @Test
  void aLinkToAnotherEntryReadsThatEntry() throws Exception {
    try (TarEntries tar = TarEntries.open(seed("docker-save.tar"), "test")) {
      assertThat(tar.size("two/layer.tar")).isEqualTo(tar.size("one/layer.tar")).isEqualTo(600);
      assertThat(tar.size("./one//layer.tar")).isEqualTo(600);
      assertThat(tar.size("one")).isEqualTo(-1);
    }
  }

  /** A fuzzer's find: a PAX record whose length does not reach past its own space. */
  @Test
  void aPaxRecordShorterThanItsLengthIsRefused() {
    assertThatThrownBy(
            () -> TarEntries.open(seed("pax-record-shorter-than-its-length.tar"), "test"))
        .isInstanceOf(LocalImageException.class)
        .hasMessageContaining("malformed PAX header");
  }
}
