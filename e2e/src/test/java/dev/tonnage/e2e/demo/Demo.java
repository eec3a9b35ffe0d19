package dev.tonnage.e2e.demo;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
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
    new Demo(Checkout.root()).run();
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

      inCluster(registry, policy, slim, bloated);
    }
    banner(
        "Done. Next: docs/policies.md to write your own policies, docs/installation.md to install");
  }

  /** The same policy as a custom resource, enforced by the webhook of a real API server. */
  private void inCluster(
      RegistryServer registry, Path policy, PushedImage slim, PushedImage bloated)
      throws IOException {
    banner("Starting a local control plane: etcd + kube-apiserver 1.20 (no kubelet)");
    try (ScratchDirectory work = ScratchDirectory.create("demo");
        KubeApiServer kube = KubeApiServer.start()) {
      kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
      Namespaces.create(kube, "tonnage");
      Namespaces.createForPods(kube, "shop");
      System.out.println("kube-apiserver: " + kube.url());

      banner(
          "Starting tonnage operator: self-signed webhook certificate, registered with the API server");
      try (OperatorProcess operator =
          OperatorProcess.start(
              repoRoot,
              kube,
              work.path().resolve("operator.log"),
              "--self-signed",
              "--cert-dir",
              work.directory("certs").toString(),
              "--ca-file",
              registry.caCertificateFile().toString())) {
        kubectl(kube, null, "apply", "-f", policy.toString());
        awaitPolicyEnforced(kube, bloated);

        banner("kubectl apply: a Deployment of the bloated build is refused at admission");
        kubectl(kube, deployment("api-bloated", bloated.reference()), "apply", "-f", "-");
        banner("kubectl apply: the slim build is admitted");
        kubectl(kube, deployment("api-slim", slim.reference()), "apply", "-f", "-");
        banner("kubectl get clusterimagepolicies");
        kubectl(kube, null, "get", "cimp");
      }
    }
  }

  private static void awaitPolicyEnforced(KubeApiServer kube, PushedImage bloated) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String probe = deployment("policy-probe", bloated.reference());
    while (kube.kubectlWithInput(probe, "apply", "--dry-run=server", "-f", "-").succeeded()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the operator did not enforce the demo policy within 60 s");
      }
      sleepQuietly(Duration.ofMillis(500));
    }
  }

  private static void kubectl(KubeApiServer kube, String stdin, String... args) {
    System.out.println("$ kubectl " + String.join(" ", args));
    ProcessResult result = stdin == null ? kube.kubectl(args) : kube.kubectlWithInput(stdin, args);
    System.out.print(result.stdout());
    System.out.print(result.stderr());
  }

  private static String deployment(String name, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, namespace: shop}
        spec:
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec:
              containers: [{name: api, image: "%s"}]
        """
        .formatted(name, name, name, image);
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
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
