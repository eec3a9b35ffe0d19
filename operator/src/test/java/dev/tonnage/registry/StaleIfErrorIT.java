package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.policy.StaleWarning;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stale-if-error: a real registry stopped after a first fetch, with a short tag TTL. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class StaleIfErrorIT {

  private static final Duration TAG_TTL = Duration.ofMillis(300);

  private RegistryServer registry;
  private PushedImage pushed;
  private RegistryClient client;
  private final List<String> staleServed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void pushAndStop() {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "hello"));
    }
  }

  @AfterEach
  void close() {
    client.close();
    registry.close();
  }

  private RegistryClient client(Duration staleIfError) {
    return new RegistryClient(
        RegistryClientConfig.builder()
            .insecureRegistries(Set.of(registry.hostPort()))
            .tagTtl(TAG_TTL)
            .staleIfError(staleIfError)
            .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)))
            .build(),
        new RegistryEventListener() {
          @Override
          public void staleFactsServed(String host) {
            staleServed.add(host);
          }
        });
  }

  private ImageFacts inspect() throws RegistryException {
    return client.inspectNow(
        ImageReference.parse(pushed.reference()), InspectRequest.within(Duration.ofSeconds(10)));
  }

  @Test
  void afterTheTtlADownRegistrysTagIsAnsweredWithItsLastKnownFacts() throws Exception {
    client = client(Duration.ofHours(24));
    ImageFacts fresh = inspect();
    assertThat(staleServed).isEmpty();

    registry.stop();
    Thread.sleep(TAG_TTL.toMillis() * 2);
    ImageFacts stale = inspect();

    assertThat(stale.digest()).isEqualTo(fresh.digest()).isEqualTo(pushed.digest());
    assertThat(stale.platforms()).isEqualTo(fresh.platforms());
    assertThat(staleServed).containsExactly(registry.hostPort());
    assertThat(fresh.stale()).isNull();
    assertThat(stale.stale().cause()).isEqualTo(StaleFacts.UNREACHABLE);
    assertThat(stale.stale().age()).isGreaterThanOrEqualTo(TAG_TTL.multipliedBy(2));
    assertThat(StaleWarning.line(stale, stale.stale()))
        .isEqualTo(
            "facts for "
                + pushed.reference()
                + " are 0s old: "
                + registry.hostPort()
                + " unreachable; serving last known facts");
  }

  @Test
  void pastStaleIfErrorTheOutageIsAnError() throws Exception {
    client = client(Duration.ofMillis(200));
    inspect();

    registry.stop();
    Thread.sleep(TAG_TTL.toMillis() + 600);

    assertThatThrownBy(this::inspect).isInstanceOf(UnavailableException.class);
    assertThat(staleServed).isEmpty();
  }

  @Test
  void withoutStaleIfErrorTheOutageIsAnErrorOnceTheTtlPassed() throws Exception {
    client = client(Duration.ZERO);
    inspect();

    registry.stop();
    Thread.sleep(TAG_TTL.toMillis() * 2);

    assertThatThrownBy(this::inspect).isInstanceOf(UnavailableException.class);
  }
}
