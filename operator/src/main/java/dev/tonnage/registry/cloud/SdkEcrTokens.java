package dev.tonnage.registry.cloud;

import dev.tonnage.registry.ProxiedUrlConnections;
import dev.tonnage.registry.ProxySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * ecr:GetAuthorizationToken with the AWS SDK, signed with the workload's AWS identity: IRSA (web
 * identity token file and role) when the environment names one, otherwise the SDK's default chain
 * (EKS Pod Identity, instance profile, ...). STS and ECR calls honour {@code HTTPS_PROXY}, {@code
 * HTTP_PROXY} and {@code NO_PROXY} from the same environment. The only class that touches the SDK:
 * it is loaded when the first ECR host is looked up, never on a run that names none.
 */
final class SdkEcrTokens implements EcrTokens {

  private static final Logger LOG = LoggerFactory.getLogger(SdkEcrTokens.class);

  /** Set by EKS for IRSA (IAM roles for service accounts). */
  static final String WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";

  static final String ROLE_ARN = "AWS_ROLE_ARN";

  /** The SDK's endpoint overrides (VPC endpoints without private DNS, tests' stand-ins). */
  static final String ECR_ENDPOINT = "AWS_ENDPOINT_URL_ECR";

  static final String STS_ENDPOINT = "AWS_ENDPOINT_URL_STS";

  static final String ENDPOINT = "AWS_ENDPOINT_URL";

  /** Variables that say an AWS identity was meant to be here: its absence is then a warning. */
  private static final List<String> CONFIGURED_IDENTITY =
      List.of(ROLE_ARN, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ACCESS_KEY_ID");

  private static final String SESSION_NAME = "tonnage";
  private static final int MAX_LOGGED_MESSAGE = 500;

  private final Map<String, String> env;
  private final Duration timeout;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;

  SdkEcrTokens(Map<String, String> env, Duration timeout) {
    this.env = Map.copyOf(env);
    this.timeout = timeout;
    // STS and ECR go through the registry's proxies (HTTPS_PROXY, NO_PROXY); the credentials
    // chain's own metadata clients (IMDS, Pod Identity agent) stay direct.
    ProxiedUrlConnections connections =
        new ProxiedUrlConnections(ProxySettings.fromEnvironment(this.env));
    this.http =
        UrlConnectionHttpClient.create(
            uri -> {
              try {
                return connections.open(uri.toURL(), timeout);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    this.credentials = credentialsProvider();
  }

  private AwsCredentialsProvider credentialsProvider() {
    String tokenFile = env.get(WEB_IDENTITY_TOKEN_FILE);
    String roleArn = env.get(ROLE_ARN);
    if (isBlank(tokenFile) || isBlank(roleArn)) {
      return DefaultCredentialsProvider.builder().build();
    }
    StsClientBuilder sts =
        StsClient.builder()
            .httpClient(http)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .overrideConfiguration(c -> c.apiCallTimeout(timeout));
    region().ifPresent(sts::region);
    endpoint(STS_ENDPOINT).ifPresent(sts::endpointOverride);
    return StsWebIdentityTokenFileCredentialsProvider.builder()
        .stsClient(sts.build())
        .roleArn(roleArn)
        .roleSessionName(env.getOrDefault("AWS_ROLE_SESSION_NAME", SESSION_NAME))
        .webIdentityTokenFile(Path.of(tokenFile))
        .build();
  }

  @Override
  public Optional<EcrToken> fetch(EcrHost host) {
    try {
      credentials.resolveCredentials();
    } catch (SdkException | IllegalStateException e) {
      String message = "no AWS credentials for Amazon ECR ({}); its images are pulled anonymously";
      if (CONFIGURED_IDENTITY.stream().anyMatch(name -> !isBlank(env.get(name)))) {
        LOG.warn(message, abbreviated(e.getMessage()));
      } else {
        LOG.debug(message, abbreviated(e.getMessage()));
      }
      return Optional.empty();
    }
    EcrClientBuilder builder =
        EcrClient.builder()
            .httpClient(http)
            .credentialsProvider(credentials)
            .region(Region.of(host.region()))
            .fipsEnabled(host.fips())
            .overrideConfiguration(c -> c.apiCallTimeout(timeout));
    endpoint(ECR_ENDPOINT).ifPresent(builder::endpointOverride);
    try (EcrClient ecr = builder.build()) {
      GetAuthorizationTokenResponse answer = ecr.getAuthorizationToken(r -> {});
      List<AuthorizationData> data = answer.authorizationData();
      if (data.isEmpty()) {
        throw new IllegalStateException("ecr:GetAuthorizationToken answered no authorizationData");
      }
      return Optional.of(
          EcrToken.decode(data.get(0).authorizationToken(), data.get(0).expiresAt()));
    }
  }

  private Optional<Region> region() {
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      if (!isBlank(env.get(name))) {
        return Optional.of(Region.of(env.get(name).trim()));
      }
    }
    return Optional.empty();
  }

  private Optional<URI> endpoint(String serviceVariable) {
    String value = env.get(serviceVariable);
    if (isBlank(value)) {
      value = env.get(ENDPOINT);
    }
    return isBlank(value) ? Optional.empty() : Optional.of(URI.create(value.trim()));
  }

  /** SDK messages name providers and ARNs, never secrets; they can be long. */
  static String abbreviated(String message) {
    if (message == null) {
      return "no message";
    }
    return message.length() <= MAX_LOGGED_MESSAGE
        ? message
        : message.substring(0, MAX_LOGGED_MESSAGE) + "...";
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
