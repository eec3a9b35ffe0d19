package dev.tonnage.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Tonnage checkout the tests run in: its root (system property {@code tonnage.repo.root}, set
 * by the e2e module's Failsafe and exec configuration) and the generated files in it.
 */
public final class Checkout {

  private Checkout() {}

  /**
   * The checkout's root: {@code tonnage.repo.root}, else the nearest of the working directory and
   * its parents that holds the chart.
   */
  public static Path root() {
    String root = System.getProperty("tonnage.repo.root");
    if (root != null) {
      return Path.of(root).toAbsolutePath().normalize();
    }
    Path working = Path.of("").toAbsolutePath();
    for (Path dir = working; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("helm/tonnage/Chart.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no Tonnage checkout at or above " + working + "; set -Dtonnage.repo.root");
  }

  /** {@code crds/}: the generated CustomResourceDefinitions, as {@code kubectl apply -f} takes. */
  public static Path crds() {
    return root().resolve("crds");
  }
}
