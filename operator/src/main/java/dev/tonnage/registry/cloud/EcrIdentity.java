package dev.tonnage.registry.cloud;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tonnage.registry.Credential;
import dev.tonnage.registry.RegistryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon ECR credentials from the workload's AWS identity: for an ECR host ({@code
 * ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]}) an ecr:GetAuthorizationToken token, kept until
 * {@link #REFRESH_BEFORE_EXPIRY} before it expires; nothing for any other host, without an AWS
 * call. A failure is remembered for {@link #FAILURE_TTL} (and logged once for it), the absence of
 * AWS credentials for {@link #NO_CREDENTIALS_TTL}: a review never waits on AWS twice in a row. The
 * AWS SDK is loaded on the first ECR lookup only.
 */
public final class EcrIdentity implements RegistryCredentials {

  private static final Logger LOG = LoggerFactory.getLogger(EcrIdentity.class);

  /** A token (valid 12 h) is fetched again this long before it expires. */
  static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(10);

  /** A failed fetch (ECR or STS refused, unreachable) is retried after this long. */
  static final Duration FAILURE_TTL = Duration.ofSeconds(30);

  /** Without AWS credentials, the chain (IMDS included) is asked again after this long. */
  static final Duration NO_CREDENTIALS_TTL = Duration.ofMinutes(5);

  /** Longest one AWS API call (STS or ECR) may take: a review is never held up longer. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /** Tokens kept: one per account and region, so a handful in practice. */
  static final int MAX_CACHED = 64;

  private record Answer(Optional<Credential> credential, Instant refreshAt) {}

  private final Function<String, Optional<EcrHost>> hosts;
  private final Supplier<EcrTokens> tokenSource;
  private final Clock clock;
  private final Cache<EcrHost, Answer> answers;
  private EcrTokens tokens;

  /**
   * @param hosts which registry hosts are ECR, and which account and region they are
   * @param tokenSource makes the token source on the first ECR lookup
   */
  EcrIdentity(
      Function<String, Optional<EcrHost>> hosts, Supplier<EcrTokens> tokenSource, Clock clock) {
    this.hosts = hosts;
    this.tokenSource = tokenSource;
    this.clock = clock;
    this.answers =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .expireAfter(
                Expiry.<EcrHost, Answer>creating(
                    (host, answer) -> {
                      Duration left = Duration.between(clock.instant(), answer.refreshAt());
                      return left.isNegative() ? Duration.ZERO : left;
                    }))
            .build();
  }

  /**
   * ECR credentials from the AWS identity this process has ({@code env} is its environment): IRSA
   * when {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN} are set, otherwise the AWS
   * SDK's default chain (EKS Pod Identity, instance profile, ...). {@code AWS_ENDPOINT_URL_ECR} and
   * {@code AWS_ENDPOINT_URL_STS} override the endpoints.
   */
  public static EcrIdentity fromEnvironment(Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    return new EcrIdentity(
        EcrHost::parse, () -> new SdkEcrTokens(copy, CALL_TIMEOUT), Clock.systemUTC());
  }

  @Override
  public Optional<Credential> forRegistry(String registryHost) {
    return hosts.apply(registryHost).flatMap(host -> answers.get(host, this::fetch).credential());
  }

  private Answer fetch(EcrHost host) {
    Instant now = clock.instant();
    try {
      return tokens()
          .fetch(host)
          .map(
              token ->
                  new Answer(
                      Optional.of(token.credential()),
                      token.expiresAt().minus(REFRESH_BEFORE_EXPIRY)))
          .orElseGet(() -> new Answer(Optional.empty(), now.plus(NO_CREDENTIALS_TTL)));
    } catch (RuntimeException e) {
      LOG.warn(
          "Amazon ECR credentials for account {} in {} could not be fetched ({}); its images are"
              + " pulled anonymously for {}s. Check the AWS identity (IRSA role, Pod Identity or"
              + " node role) and its ecr:GetAuthorizationToken permission.",
          host.registryId(),
          host.region(),
          SdkEcrTokens.abbreviated(e.getMessage()),
          FAILURE_TTL.toSeconds());
      return new Answer(Optional.empty(), now.plus(FAILURE_TTL));
    }
  }

  private synchronized EcrTokens tokens() {
    if (tokens == null) {
      tokens = tokenSource.get();
    }
    return tokens;
  }
}
