package dev.tonnage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The request budget of docs/benchmarks.md, held against a real registry on every build. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class RequestCountsIT {

  @Test
  void requestsPerImageStayWithinTheBudget() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      RequestCountScenarios scenarios = RequestCountScenarios.pushTo(registry, images, "count");

      // cold tag, cold index of 2 platforms, warm, after the TTL, uncompressed of a cached
      // single-layer image, 100 concurrent callers for one new image; then a one-shot (CLI)
      // client: cold tag, cold index (one GET by tag instead of HEAD + GET by digest)
      assertThat(List.copyOf(scenarios.run().values())).containsExactly(3, 6, 0, 1, 1, 3, 2, 5);
    }
  }
}
