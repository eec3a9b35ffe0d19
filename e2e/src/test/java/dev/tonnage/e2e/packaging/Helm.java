package dev.tonnage.e2e.packaging;

import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real helm binary (v4, provisioned by e2e/env/provision.sh) with its cache, config and data
 * kept in a scratch directory, so that tests never read or change the user's helm setup.
 */
final class Helm implements AutoCloseable {

  /**
   * An operator image for renders of the in-cluster form, which refuses to render without one (none
   * is published): a values file, so that any later {@code --values} or {@code --set} replaces it.
   */
  static List<String> imageValues() {
    return List.of("--values", ValueSet.resource("values-image.yaml").toString());
  }

  private final Path binary;
  private final ScratchDirectory home;

  private Helm(Path binary, ScratchDirectory home) {
    this.binary = binary;
    this.home = home;
  }

  static Helm fromEnvironment() {
    return new Helm(Binaries.fromEnvironment().require("helm"), ScratchDirectory.create("helm"));
  }

  /** The chart in this checkout: {@code helm/tonnage}. */
  static Path chart() {
    Path chart = repositoryRoot().resolve("helm/tonnage");
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no chart at " + chart + " (tonnage.repo.root is wrong?)");
    }
    return chart;
  }

  static Path repositoryRoot() {
    String root = System.getProperty("tonnage.repo.root");
    return root == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(root);
  }

  /** helm with {@code args}; the kubeconfig is only used by commands that talk to a cluster. */
  ProcessResult run(Path kubeconfig, List<String> args) {
    List<String> argv = new ArrayList<>(args);
    if (kubeconfig != null) {
      argv.add("--kubeconfig=" + kubeconfig);
    }
    return Command.of(binary, argv)
        .withEnvironment("HELM_CACHE_HOME", home.directory("cache").toString())
        .withEnvironment("HELM_CONFIG_HOME", home.directory("config").toString())
        .withEnvironment("HELM_DATA_HOME", home.directory("data").toString())
        .withEnvironment("KUBECONFIG", kubeconfig == null ? "/dev/null" : kubeconfig.toString())
        .withTimeout(Duration.ofMinutes(2))
        .run();
  }

  ProcessResult run(List<String> args) {
    return run(null, args);
  }

  /** {@code helm template} of the chart as release {@code tonnage} in namespace {@code tonnage}. */
  ProcessResult template(String kubeVersion, List<String> valueArgs) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("template", "tonnage", chart().toString(), "--namespace", "tonnage"));
    args.addAll(List.of("--kube-version", kubeVersion));
    args.addAll(imageValues());
    args.addAll(valueArgs);
    return run(args);
  }

  /** {@code helm lint --strict} of the chart. */
  ProcessResult lint(List<String> valueArgs) {
    List<String> args = new ArrayList<>(List.of("lint", "--strict", chart().toString()));
    args.addAll(imageValues());
    args.addAll(valueArgs);
    return run(args);
  }

  @Override
  public void close() {
    home.close();
  }
}
