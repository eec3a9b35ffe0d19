package dev.tonnage.registry;

import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link FixtureRegistry} on a MockWebServer and a client configured for it. */
abstract class RegistryTestBase {
  static final String AMD64 =
      "sha256:f5c0c4517ca7e915f59a6d829beaeb2ba613f88ffaee8db4b267417cd28eb9d6";
  static final String ARM64 =
      "sha256:02195a830eb5c5dcaad3e2afc8ceee48116ac805c229e41b7fca7af06475336d";
  static final String INDEX =
      "sha256:f539a71511095942be90db3e42ea27ff2152d89895daa7742a48311ac656c182";
  static final String AMD64_CONFIG =
      "sha256:c5ff9add2480c3614d1aed85d08cb7ce4b9f27c8317aa704f38820d19ccb8452";
  static final String AMD64_LAYER =
      "sha256:ed6df11a726a93f442ff47668b74f595f41f595f992b8c721bcba8ee8986fd35";
  static final String ARM64_LAYER =
      "sha256:ba2a1adaa3866102b0eb9d3b2c1c112e35d61f6fd2ed1bc314fde5011ea10879";

  FixtureRegistry registry;
  MockWebServer server;
  String host;
  RecordingListener events;
  RegistryClient client;

  @BeforeEach
  void startRegistry() throws Exception {
    registry = FixtureRegistry.load();
    registry.tags.put("fixtures/multi:arm64", ARM64);
    server = new MockWebServer();
    server.setDispatcher(registry);
    server.start();
    host = server.getHostName() + ":" + server.getPort();
    events = new RecordingListener();
    client = client(config -> {});
  }

  @AfterEach
  void stopRegistry() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  /** A new client (replacing the current one) with fast retries, plain HTTP to the registry. */
  RegistryClient client(Consumer<RegistryClientConfig.Builder> tweak) {
    if (client != null) {
      client.close();
    }
    RegistryClientConfig.Builder config =
        RegistryClientConfig.builder()
            .insecureRegistries(Set.of(host))
            .retryPolicy(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50)))
            .requestTimeout(Duration.ofSeconds(5));
    tweak.accept(config);
    client = new RegistryClient(config.build(), events);
    return client;
  }

  ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(host + "/" + repositoryAndTag);
  }

  static InspectRequest request() {
    return InspectRequest.within(Duration.ofSeconds(10));
  }

  ImageFacts inspect(String repositoryAndTag) throws RegistryException {
    return client.inspectNow(ref(repositoryAndTag), request());
  }

  /** Requests the registry received, as "METHOD path" lines, e.g. "HEAD /v2/x/manifests/t". */
  java.util.List<String> seen() {
    return registry.requests.stream()
        .map(r -> r.getMethod() + " " + r.getUrl().encodedPath())
        .toList();
  }
}
