package dev.tonnage.testing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarArchiveTest {

  @TempDir Path directory;

  @Test
  void gnuTarListsAndExtractsWhatWeWrite() throws Exception {
    String longPath = "usr/share/" + "deep/".repeat(25) + "file.txt";
    TarArchive archive =
        TarArchive.builder()
            .directory("etc")
            .file("etc/motd", "hello\n")
            .executable("usr/bin/run", "#!/bin/sh\n")
            .symlink("etc/link", "motd")
            .file(longPath, "long\n")
            .randomFile("var/random.bin", 1000, 7)
            .build();
    Path tarFile = Files.write(directory.resolve("layer.tar"), archive.toBytes());
    Path tar = Binaries.systemPath().require("tar");

    String listing = Command.of(tar, "-tvf", tarFile.toString()).run().requireSuccess().stdout();
    Command.of(tar, "-xf", tarFile.toString(), "-C", directory.toString()).run().requireSuccess();

    assertThat(listing)
        .contains("drwxr-xr-x root/root")
        .contains("-rwxr-xr-x root/root")
        .contains("etc/link -> motd")
        .contains(longPath);
    assertThat(Files.readString(directory.resolve("etc/motd"))).isEqualTo("hello\n");
    assertThat(Files.readString(directory.resolve(longPath))).isEqualTo("long\n");
    assertThat(Files.size(directory.resolve("var/random.bin"))).isEqualTo(1000);
  }

  @Test
  void sizeIsHeadersPaddedContentAndTwoEndBlocks() {
    TarArchive archive = TarArchive.builder().file("a", "x").zeroFile("b", 513).build();

    assertThat(archive.size()).isEqualTo(512 + 512 + 512 + 1024 + 1024);
    assertThat(archive.toBytes()).hasSize((int) archive.size());
  }

  @Test
  void equalArchivesHaveEqualBytes() {
    assertThat(TarArchive.ofFile("a", "x").toBytes())
        .isEqualTo(TarArchive.ofFile("a", "x").toBytes());
  }

  @Test
  void entriesBeyondUstarsSizeFieldAreRefused() {
    assertThatThrownBy(() -> TarArchive.builder().zeroFile("huge", 8L << 30))
        .hasMessageContaining("exceed ustar's 8 GiB limit");
  }

  @Test
  void absolutePathsAreRefused() {
    assertThatThrownBy(() -> TarArchive.builder().file("/etc/passwd", "x"))
        .hasMessageContaining("relative");
  }
}
