package dev.tonnage.admission.bench;

import dev.tonnage.admission.AdmissionDecider;
import dev.tonnage.admission.PolicyAdmissionDecider;
import dev.tonnage.admission.PullSecrets;
import dev.tonnage.admission.RegistryCredentialsResolver;
import dev.tonnage.facts.FactsService;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.RegistryEventListener;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real decision path for benchmarks: a local registry holding the images of the recorded
 * reviews, a {@link RegistryClient} that counts its requests, and two policies that every image
 * passes (so a review runs the evaluator fully and answers allowed).
 */
final class BenchmarkRegistry implements AutoCloseable {

  final RegistryServer registry;
  final RegistryClient client;
  final AtomicInteger requests = new AtomicInteger();
  final List<CompiledPolicy> policies;

  private BenchmarkRegistry(RegistryServer registry) {
    this.registry = registry;
    this.client =
        new RegistryClient(
            RegistryClientConfig.builder().insecureRegistries(Set.of(registry.hostPort())).build(),
            new RegistryEventListener() {
              @Override
              public void requestCompleted(
                  String host, String method, int status, Duration duration) {
                requests.incrementAndGet();
              }
            });
    String host = registry.hostPort();
    this.policies =
        PolicyDocuments.parse(
            "benchmark",
            "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: slim}\n"
                + "spec:\n  action: Enforce\n  match: {images: ['"
                + host
                + "/**']}\n  limits: {maxCompressedSize: 500Mi, maxLayers: 30}\n---\n"
                + "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                + "metadata: {name: layers}\nspec:\n  action: Warn\n  match: {images: ['"
                + host
                + "/**']}\n  limits: {maxLayerSize: 100Mi}\n");
  }

  /** Starts a registry and pushes the images the recorded Pod and Deployment reviews name. */
  static BenchmarkRegistry start() {
    BenchmarkRegistry world = new BenchmarkRegistry(RegistryServer.start(RegistryMode.PLAIN));
    world.push("acme/migrate:1.2", "acme/web:1.0", "acme/api:3.4");
    return world;
  }

  void push(String... repositoriesAndTags) {
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      for (String image : repositoriesAndTags) {
        images.push(image, ImageSpec.singleLayer("app/" + image.replace(':', '-'), image));
      }
    }
  }

  AdmissionDecider decider() {
    return new PolicyAdmissionDecider(
        namespace -> policies,
        new FactsService(client, Clock.systemUTC()),
        new RegistryCredentialsResolver(PullSecrets.NONE, RegistryCredentials.anonymous()));
  }

  /** A recorded review with its images moved from registry.example to this registry. */
  String review(String fixture) {
    try (InputStream in = BenchmarkRegistry.class.getResourceAsStream("/admission/" + fixture)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("registry.example/", registry.hostPort() + "/");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    registry.close();
  }
}
