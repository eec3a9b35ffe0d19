package dev.tonnage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.StaleFacts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaleWarningTest {

  @Test
  void dockerHubImagesAreShownAsPeopleWriteThemWithTheAgeInTheLargestWholeUnit() {
    ImageFacts facts = facts("nginx:1.27");

    assertThat(StaleWarning.line(facts, stale(Duration.ofSeconds(59))))
        .isEqualTo(
            "facts for docker.io/library/nginx:1.27 are 59s old: index.docker.io unreachable;"
                + " serving last known facts");
    assertThat(StaleWarning.line(facts, stale(Duration.ofMinutes(75)))).contains(" are 1h old");
    assertThat(StaleWarning.line(facts, stale(Duration.ofHours(50)))).contains(" are 2d old");
  }

  @Test
  void aLongReferenceIsShortenedSoTheLineFitsKubernetesWarnings() {
    String image = "registry.example/" + "team/".repeat(40) + "app:1";
    String line = StaleWarning.line(facts(image), stale(Duration.ofHours(3)));

    assertThat(line).hasSizeLessThanOrEqualTo(Violation.MAX_WARNING_LENGTH);
    assertThat(line).startsWith("facts for registry.exa").endsWith("; serving last known facts");
  }

  private static StaleFacts stale(Duration age) {
    return new StaleFacts(age, StaleFacts.UNREACHABLE);
  }

  private static ImageFacts facts(String image) {
    return new ImageFacts(
        ImageReference.parse(image), "sha256:" + "a".repeat(64), "application/json", List.of());
  }
}
