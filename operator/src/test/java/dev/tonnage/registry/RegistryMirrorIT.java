package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --registry-mirror}: two real registries, one the upstream, one its mirror. */
@ExtendWith(PrintComponentLogsOnFailure.class)
class RegistryMirrorIT {

  private RegistryServer upstream;
  private RegistryServer mirror;
  private RegistryClient client;

  @BeforeEach
  void startRegistries() {
    upstream = RegistryServer.start(RegistryMode.PLAIN);
    mirror = RegistryServer.start(RegistryMode.PLAIN);
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .insecureRegistries(Set.of(upstream.hostPort()))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)))
                .mirrors(
                    List.of(
                        RegistryMirror.parse(upstream.hostPort() + "=http://" + mirror.hostPort())))
                .build());
  }

  @AfterEach
  void stopRegistries() {
    client.close();
    mirror.close();
    upstream.close();
  }

  private static PushedImage push(RegistryServer registry, String content) {
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      return images.push("team/app:1", ImageSpec.singleLayer("app.txt", content));
    }
  }

  private ImageFacts inspect() throws RegistryException {
    return client.inspectNow(
        ImageReference.parse(upstream.hostPort() + "/team/app:1"),
        InspectRequest.within(Duration.ofSeconds(20)));
  }

  @Test
  void theMirrorAnswersFirstAndTheFactsKeepTheUpstreamReference() throws Exception {
    PushedImage onMirror = push(mirror, "from the mirror");
    push(upstream, "from the upstream");

    ImageFacts facts = inspect();

    assertThat(facts.digest()).isEqualTo(onMirror.digest());
    assertThat(facts.reference().registry()).isEqualTo(upstream.hostPort());
  }

  @Test
  void theMirrorAnswersWhileTheUpstreamIsDown() throws Exception {
    PushedImage onMirror = push(mirror, "cached");
    upstream.stop();

    assertThat(inspect().digest()).isEqualTo(onMirror.digest());
  }

  @Test
  void anImageTheMirrorLacksComesFromTheUpstream() throws Exception {
    PushedImage onUpstream = push(upstream, "only upstream");

    assertThat(inspect().digest()).isEqualTo(onUpstream.digest());
  }

  @Test
  void aMirrorThatIsDownHandsOverToTheUpstream() throws Exception {
    PushedImage onUpstream = push(upstream, "only upstream");
    mirror.stop();

    assertThat(inspect().digest()).isEqualTo(onUpstream.digest());
  }

  @Test
  void whenNeitherHasTheImageTheUpstreamsAnswerIsTheError() {
    assertThatThrownBy(this::inspect)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(upstream.hostPort());
  }
}
