package dev.tonnage.registry.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tonnage.registry.Credential;
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
import dev.tonnage.testing.proxy.ConnectProxy;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * ECR identity end to end on this machine: a web identity token file and role (IRSA) are exchanged
 * at a stand-in STS for AWS credentials, which sign ecr:GetAuthorizationToken at a stand-in ECR
 * API, whose token is the only credential a real distribution registry in token-auth mode accepts
 * ({@code AWS:<token>}). The registry's host is mapped to an ECR account and region, as a real
 * {@code ACCOUNT.dkr.ecr.REGION.amazonaws.com} name would be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
class EcrIdentityIT {

  private static final String WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.projected-sa-token.sig";
  private static final String PROXY_PASSWORD = "proxy-" + UUID.randomUUID();
  private static final EcrHost MAPPED = new EcrHost("111122223333", "us-east-1", false);

  private RegistryServer registry;
  private ImageBuilder images;
  private PushedImage pushed;
  private RegistryClient client;
  private AwsApiStandIn aws;
  private Map<String, String> env;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Logger> captured =
      List.of(
          (Logger) LoggerFactory.getLogger("dev.tonnage.registry"),
          (Logger) LoggerFactory.getLogger("software.amazon.awssdk"));

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    registry = RegistryServer.builder(RegistryMode.TOKEN).username("AWS").start();
    images = ImageBuilder.forRegistry(registry);
    pushed = images.push("team/app:1", ImageSpec.singleLayer("app.txt", "measured with ECR"));
    client =
        new RegistryClient(
            RegistryClientConfig.builder()
                .caBundles(List.of(registry.caCertificateFile()))
                .build());
    Path tokenFile = Files.writeString(dir.resolve("token"), WEB_IDENTITY_TOKEN);
    aws = new AwsApiStandIn(registry.username(), registry.password());
    env =
        Map.of(
            "AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
            "AWS_ROLE_ARN", AwsApiStandIn.ROLE_ARN,
            "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL_STS", aws.endpoint(),
            "AWS_ENDPOINT_URL_ECR", aws.endpoint());
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (images != null) {
      images.close();
    }
    if (aws != null) {
      aws.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void captureLogs() {
    logs.list.clear();
    logs.start();
    for (Logger logger : captured) {
      logger.addAppender(logs);
    }
    // Tonnage's own logs at their most verbose; the SDK's at WARN, where ConsoleLogging keeps every
    // library whatever --log-level says (the SDK's DEBUG signer logs print the session token).
    captured.get(0).setLevel(Level.DEBUG);
    captured.get(1).setLevel(Level.WARN);
    aws.tokenLifetime(Duration.ofHours(12));
    aws.denyEcr(false);
  }

  @AfterEach
  void releaseLogs() {
    for (Logger logger : captured) {
      logger.detachAppender(logs);
      logger.setLevel(null);
    }
    assertThat(logText())
        .as("no secret in any log line")
        .doesNotContain(
            registry.password(),
            PROXY_PASSWORD,
            WEB_IDENTITY_TOKEN,
            AwsApiStandIn.SECRET_ACCESS_KEY,
            AwsApiStandIn.SESSION_TOKEN);
  }

  /** ECR identity with the registry's host mapped to an ECR account; other hosts as in AWS. */
  private EcrIdentity identity() {
    return identity(env);
  }

  private EcrIdentity identity(Map<String, String> environment) {
    return new EcrIdentity(
        host -> host.equals(registry.hostPort()) ? Optional.of(MAPPED) : EcrHost.parse(host),
        () -> new SdkEcrTokens(environment, EcrIdentity.CALL_TIMEOUT),
        Clock.systemUTC());
  }

  private ImageFacts inspect(RegistryCredentials credentials) throws Exception {
    return client
        .inspect(
            ImageReference.parse(pushed.reference()),
            InspectRequest.of(credentials, Duration.ofSeconds(30)))
        .get();
  }

  @Test
  void factsAreReadWithTheEcrTokenFetchedOnceWithTheWebIdentityRole() throws Exception {
    int stsBefore = aws.calls("sts").size();
    int ecrBefore = aws.calls("ecr").size();
    EcrIdentity identity = identity();

    ImageFacts first = inspect(identity);
    ImageFacts second = inspect(identity);
    assertThat(identity.forRegistry(registry.hostPort())).isPresent();

    assertThat(first.digest()).isEqualTo(pushed.digest());
    assertThat(second.digest()).isEqualTo(pushed.digest());
    List<AwsApiStandIn.Call> sts = aws.calls("sts").subList(stsBefore, aws.calls("sts").size());
    List<AwsApiStandIn.Call> ecr = aws.calls("ecr").subList(ecrBefore, aws.calls("ecr").size());
    assertThat(sts).hasSize(1);
    assertThat(sts.get(0).form())
        .containsEntry("RoleArn", AwsApiStandIn.ROLE_ARN)
        .containsEntry("WebIdentityToken", WEB_IDENTITY_TOKEN);
    assertThat(ecr).as("one GetAuthorizationToken for every lookup").hasSize(1);
    assertThat(ecr.get(0).authorization())
        .as("signed with the credentials STS handed out")
        .startsWith("AWS4-HMAC-SHA256 Credential=" + AwsApiStandIn.ACCESS_KEY_ID + "/")
        .contains("/us-east-1/ecr/aws4_request");
  }

  @Test
  void stsAndEcrAreReachedThroughTheProxyOfTheEnvironmentWithItsCredentials() throws Exception {
    String awsHost = URI.create(aws.endpoint()).getAuthority();
    try (ConnectProxy proxy = ConnectProxy.requiringBasic("tonnage", PROXY_PASSWORD)) {
      // The stand-in speaks http://, so HTTP_PROXY routes it; https:// endpoints take HTTPS_PROXY.
      Map<String, String> proxied = new HashMap<>(env);
      proxied.put("HTTP_PROXY", proxy.url("tonnage", PROXY_PASSWORD));

      assertThat(inspect(identity(proxied)).digest()).isEqualTo(pushed.digest());

      assertThat(proxy.forwardedTo()).as("STS, then ECR").containsExactly(awsHost, awsHost);
      assertThat(proxy.proxyAuthorizations()).hasSize(2).allMatch(a -> a.startsWith("Basic "));
    }
  }

  @Test
  void noProxyKeepsStsAndEcrDirect() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.start()) {
      Map<String, String> direct = new HashMap<>(env);
      direct.put("HTTP_PROXY", proxy.url());
      direct.put("HTTPS_PROXY", proxy.url());
      direct.put("NO_PROXY", "example.com," + URI.create(aws.endpoint()).getHost());

      assertThat(identity(direct).forRegistry(registry.hostPort())).isPresent();

      assertThat(proxy.forwardedTo()).isEmpty();
      assertThat(proxy.tunnelledTo()).isEmpty();
    }
  }

  @Test
  void theRegistryRefusesAnythingButTheEcrToken() {
    assertThatThrownBy(() -> inspect(RegistryCredentials.anonymous()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnauthorizedException.class);
    assertThatThrownBy(() -> inspect(host -> Optional.of(Credential.basic("AWS", "not-the-token"))))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnauthorizedException.class);
  }

  @Test
  void aTokenCloseToItsExpiryIsFetchedAgain() throws Exception {
    aws.tokenLifetime(EcrIdentity.REFRESH_BEFORE_EXPIRY.minus(Duration.ofMinutes(1)));
    int ecrBefore = aws.calls("ecr").size();
    EcrIdentity identity = identity();

    assertThat(inspect(identity).digest()).isEqualTo(pushed.digest());
    int afterFirst = aws.calls("ecr").size();
    assertThat(identity.forRegistry(registry.hostPort())).isPresent();

    assertThat(afterFirst).isGreaterThan(ecrBefore);
    assertThat(aws.calls("ecr").size())
        .as("refreshed, not served from cache")
        .isGreaterThan(afterFirst);
  }

  @Test
  void hostsThatAreNotEcrNeverReachAws() {
    int before = aws.calls("sts").size() + aws.calls("ecr").size();
    EcrIdentity identity = identity();

    for (String host :
        List.of(
            "index.docker.io",
            "ghcr.io",
            "111122223333.dkr.ecr.us-east-1.evil.com",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com",
            "public.ecr.aws")) {
      assertThat(identity.forRegistry(host)).as(host).isEmpty();
    }

    assertThat(aws.calls("sts").size() + aws.calls("ecr").size()).isEqualTo(before);
  }

  @Test
  void aRefusalIsLoggedOnceWithoutSecretsAndNotRetriedAtOnce() throws Exception {
    aws.denyEcr(true);
    int ecrBefore = aws.calls("ecr").size();
    EcrIdentity identity = identity();

    assertThat(identity.forRegistry(registry.hostPort())).isEmpty();
    assertThat(identity.forRegistry(registry.hostPort())).isEmpty();
    assertThatThrownBy(() -> inspect(identity))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnauthorizedException.class);

    assertThat(aws.calls("ecr").size() - ecrBefore).as("cached for FAILURE_TTL").isOne();
    List<String> warnings =
        logs.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .filter(e -> e.getLoggerName().equals(EcrIdentity.class.getName()))
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("111122223333", "us-east-1", "ecr:GetAuthorizationToken", "not authorized");
  }

  private String logText() {
    return logs.list.stream()
        .map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy())
        .collect(Collectors.joining("\n"));
  }
}
