package dev.tonnage.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository outside the operator module: the chart's files/ and docs/. */
final class RepoFiles {
  private RepoFiles() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("helm/tonnage"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no helm/tonnage above " + Path.of("").toAbsolutePath() + "; run from the repository");
    }
    return dir;
  }

  static Path chartFile(String name) {
    return root().resolve("helm/tonnage/files").resolve(name);
  }

  static Path doc(String name) {
    return root().resolve("docs").resolve(name);
  }
}
