package dev.tonnage.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tonnage.facts.BackgroundSettler;
import dev.tonnage.facts.FactsService;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.ExceptionSource;
import dev.tonnage.policy.PolicyDocuments;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.LayerSpec;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook settles an uncertain verdict after the review that found it: the first review of a
 * 4.5 GiB image (its gzip trailer wraps) against a 4Gi limit cannot decide and admits; the layer is
 * streamed in the background, and the next review denies, exactly.
 */
@ExtendWith(PrintComponentLogsOnFailure.class)
class PolicyAdmissionDeciderSettlingIT {

  @Test
  void aReviewAfterTheBackgroundStreamDeniesWhatTheFirstCouldNotDecide() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry);
        RegistryClient client =
            new RegistryClient(
                RegistryClientConfig.builder()
                    .insecureRegistries(Set.of(registry.hostPort()))
                    .build())) {
      images.push(
          "acme/web:1.0",
          ImageSpec.builder()
              .platform("linux/arm64") // the recorded Pod's nodeSelector
              .layer(LayerSpec.gzipOfZeros(9L << 29), "RUN dd if=/dev/zero of=zeros.bin")
              .build());
      images.push("acme/migrate:1.2", ImageSpec.singleLayer("migrate", "small"));
      List<CompiledPolicy> policies =
          PolicyDocuments.parse(
              "disk",
              "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                  + "metadata: {name: disk}\nspec:\n  action: Enforce\n"
                  + "  match: {images: ['"
                  + registry.hostPort()
                  + "/**']}\n  limits: {maxUncompressedSize: 4Gi}\n");
      BackgroundSettler settler =
          new BackgroundSettler(
              credentials ->
                  (image, layer) ->
                      client.streamUncompressedSize(
                          image,
                          layer,
                          InspectRequest.of(credentials, Duration.ofMinutes(2)),
                          BackgroundSettler.MAX_BYTES_PER_REVIEW),
              BackgroundSettler.MAX_BYTES_PER_REVIEW,
              BackgroundSettler.MAX_IN_FLIGHT);
      PolicyAdmissionDecider decider =
          new PolicyAdmissionDecider(
              namespace -> policies,
              new FactsService(client, Clock.systemUTC()),
              new RegistryCredentialsResolver(PullSecrets.NONE, RegistryCredentials.anonymous()),
              ExceptionSource.NONE,
              settler);
      String review =
          Fixtures.read("pod-create.json").replace("registry.example/", registry.hostPort() + "/");

      ReviewDecision first = decide(decider, review);
      assertThat(first.denied()).isFalse();
      assertThat(first.warnings()).anyMatch(w -> w.contains("uncertain"));
      assertThat(settler.inFlight()).isEqualTo(1);

      await().atMost(Duration.ofMinutes(2)).until(() -> settler.inFlight() == 0);
      ReviewDecision second = decide(decider, review);
      assertThat(second.denied()).isTrue();
      assertThat(second.denials().get(0)).contains("disk", "acme/web:1.0", "4 GiB");
    }
  }

  private static ReviewDecision decide(PolicyAdmissionDecider decider, String review)
      throws Exception {
    AdmissionReviewCodec codec = new AdmissionReviewCodec();
    AdmissionRequest request = codec.read(review.getBytes(StandardCharsets.UTF_8));
    Workload workload =
        new WorkloadReader(codec.mapper()).read(request, request.object()).orElseThrow();
    return decider
        .decide(
            new ReviewSubject(
                request, workload, Map.of("env", "prod"), Instant.now().plusSeconds(10)))
        .get(20, TimeUnit.SECONDS);
  }
}
