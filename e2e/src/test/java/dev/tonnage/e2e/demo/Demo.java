package dev.tonnage.e2e.demo;

import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./tonnage demo}: brings up a real registry on loopback, pushes a slim and a bloated image,
 * and shows Tonnage measuring and judging them with the same jar users run. Everything it starts is
 * stopped when it ends.
 */
public final class Demo {

  private final Path repoRoot;
  private final Path jar;

  private Demo(Path repoRoot) {
    this.repoRoot = repoRoot;
    this.jar = repoRoot.resolve("operator/target/tonnage.jar");
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("tonnage.repo.root", ".")).toAbsolutePath().normalize();
    new Demo(root).run();
  }

  private void run() throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; build it with ./tonnage --help first");
    }
    banner("Starting a container registry on 127.0.0.1 (TLS, CA generated for this run)");
    try (RegistryServer registry = RegistryServer.start(RegistryMode.TLS);
        ImageBuilder builder = ImageBuilder.forRegistry(registry)) {
      System.out.println("registry: " + registry.baseUrl());
      banner("Pushing two builds of one service");
      PushedImage slim = DemoImages.slim(builder);
      PushedImage bloated = DemoImages.bloated(builder);
      System.out.println("slim:    " + slim.reference() + "  (distroless base, multi-stage build)");
      System.out.println("bloated: " + bloated.reference() + "  (ubuntu base, toolchain left in)");

      List<String> registryFlags = List.of("--ca-file", registry.caCertificateFile().toString());
      banner("tonnage inspect: sizes, layers and the step that made each, without a pull");
      tonnage(concat(List.of("inspect"), registryFlags, List.of(bloated.reference())));

      Path policy = repoRoot.resolve("e2e/src/test/resources/demo/demo-policy.yaml");
      banner("tonnage check: the demo policy (" + repoRoot.relativize(policy) + ")");
      System.out.println(Files.readString(policy));
      tonnage(
          concat(
              List.of("check", "--policy", policy.toString()),
              registryFlags,
              List.of(slim.reference(), bloated.reference())));
    }
    banner(
        "Done. Next: docs/policies.md to write your own policies, docs/installation.md to install");
  }

  private void tonnage(List<String> args) {
    List<String> line = new ArrayList<>(List.of("-jar", jar.toString()));
    line.addAll(args);
    System.out.println("$ tonnage " + String.join(" ", args));
    ProcessResult result =
        Command.of(Path.of(System.getProperty("java.home"), "bin", "java"), line)
            .withTimeout(Duration.ofMinutes(2))
            .run();
    System.out.print(result.stdout());
    System.out.print(result.stderr());
    System.out.println("(exit code " + result.exitCode() + ")");
  }

  private static void banner(String text) {
    System.out.println();
    System.out.println("==> " + text);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }
}
