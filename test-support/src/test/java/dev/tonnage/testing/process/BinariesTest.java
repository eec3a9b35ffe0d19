package dev.tonnage.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinariesTest {

  @TempDir Path home;

  @Test
  void searchesTheHomeCacheBeforePath() throws IOException {
    Path cache = Files.createDirectories(home.resolve(".cache/tonnage/bin"));
    Path onPath = Files.createDirectories(home.resolve("path-bin"));
    executable(cache.resolve("etcd"));
    executable(onPath.resolve("etcd"));
    executable(onPath.resolve("skopeo"));

    Binaries binaries =
        Binaries.from(Map.of("HOME", home.toString(), "PATH", onPath.toString()), "/nowhere");

    assertThat(binaries.require("etcd")).isEqualTo(cache.resolve("etcd"));
    assertThat(binaries.require("skopeo")).isEqualTo(onPath.resolve("skopeo"));
  }

  @Test
  void tonnageBinIsTheOnlyPlaceSearchedWhenSet() throws IOException {
    Path explicit = Files.createDirectories(home.resolve("explicit"));
    Path onPath = Files.createDirectories(home.resolve("path-bin"));
    executable(onPath.resolve("kubectl"));

    Binaries binaries =
        Binaries.from(
            Map.of("TONNAGE_BIN", explicit.toString(), "PATH", onPath.toString()), home.toString());

    assertThat(binaries.find("kubectl")).isEmpty();
  }

  @Test
  void aMissingBinaryFailsWithWhereItLookedAndHowToInstallIt() {
    Binaries binaries = Binaries.from(Map.of("HOME", home.toString(), "PATH", "/x:/y"), "/nowhere");

    assertThatThrownBy(() -> binaries.require("kube-apiserver"))
        .isInstanceOf(MissingBinaryException.class)
        .hasMessageStartingWith("kube-apiserver not found in " + home.resolve(".cache/tonnage/bin"))
        .hasMessageContaining("PATH (/x:/y)")
        .hasMessageEndingWith("; run e2e/env/provision.sh");
  }

  @Test
  void aFileThatIsNotExecutableDoesNotCount() throws IOException {
    Path cache = Files.createDirectories(home.resolve(".cache/tonnage/bin"));
    Files.writeString(cache.resolve("promtool"), "#!/bin/sh\n");

    Binaries binaries = Binaries.from(Map.of("HOME", home.toString(), "PATH", ""), "/nowhere");

    assertThat(binaries.find("promtool")).isEmpty();
  }

  private static void executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
