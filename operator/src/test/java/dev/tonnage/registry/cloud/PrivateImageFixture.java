package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tonnage.registry.ImageFacts;
import dev.tonnage.registry.ImageReference;
import dev.tonnage.registry.InspectRequest;
import dev.tonnage.registry.RegistryClient;
import dev.tonnage.registry.RegistryClientConfig;
import dev.tonnage.registry.RegistryCredentials;
import dev.tonnage.registry.UnauthorizedException;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.registry.RegistryServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * A real registry in token-auth mode holding one private image (anonymous pulls are refused), a
 * registry client for it, and the logs of Tonnage and the cloud SDKs captured at DEBUG per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
abstract class PrivateImageFixture {

  RegistryServer registry;
  RegistryClient client;
  PushedImage image;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Logger> loggers =
      List.of(
          (Logger) LoggerFactory.getLogger("dev.tonnage"),
          (Logger) LoggerFactory.getLogger("com.google.auth"),
          (Logger) LoggerFactory.getLogger("com.microsoft.aad.msal4j"));

  /** The registry, in token-auth mode. */
  abstract RegistryServer startRegistry();

  @BeforeAll
  void startRegistryWithAPrivateImage() {
    registry = startRegistry();
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      image = images.push("private/app:1", ImageSpec.singleLayer("hello.txt", "private"));
    }
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .caBundles(List.of(registry.caCertificateFile()))
                .build());
  }

  @AfterAll
  void stopRegistry() {
    if (client != null) {
      client.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void captureLogs() {
    logs.list.clear();
    logs.start();
    for (Logger logger : loggers) {
      logger.addAppender(logs);
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void releaseLogs() {
    for (Logger logger : loggers) {
      logger.detachAppender(logs);
      logger.setLevel(null);
    }
  }

  ImageFacts inspect(RegistryCredentials credentials) throws Exception {
    return client
        .inspect(
            ImageReference.parse(image.reference()),
            InspectRequest.of(credentials, Duration.ofSeconds(30)))
        .get(60, TimeUnit.SECONDS);
  }

  /** Without credentials, the image's facts are out of reach. */
  void assertAnonymousIsRefused() {
    assertThatThrownBy(() -> inspect(RegistryCredentials.anonymous()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnauthorizedException.class);
  }

  /** Something was logged, and none of it shows a secret. */
  void assertNoSecretLogged(String... secrets) {
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      String text = event.getFormattedMessage() + " " + event.getThrowableProxy();
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }
}
