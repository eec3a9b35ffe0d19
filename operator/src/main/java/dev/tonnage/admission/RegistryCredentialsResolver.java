package dev.tonnage.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tonnage.registry.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials a Pod's images are measured with: its own pull secrets, then its
 * ServiceAccount's, then the operator-wide ones; the first that has a credential for a registry
 * wins, as with the kubelet. Parsed secrets are kept by content, so a review parses nothing new.
 */
public final class RegistryCredentialsResolver {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryCredentialsResolver.class);

  private final PullSecrets pullSecrets;
  private final RegistryCredentials operatorWide;
  private final Cache<String, Optional<RegistryCredentials>> parsed =
      Caffeine.newBuilder().maximumSize(1_000).build();

  public RegistryCredentialsResolver(PullSecrets pullSecrets, RegistryCredentials operatorWide) {
    this.pullSecrets = pullSecrets;
    this.operatorWide = operatorWide;
  }

  public RegistryCredentials forPod(Workload workload) {
    PodTemplate template = workload.template();
    List<RegistryCredentials> chain = new ArrayList<>();
    for (String json :
        pullSecrets.dockerConfigs(
            workload.namespace(), template.serviceAccountName(), template.imagePullSecrets())) {
      parsed.get(json, RegistryCredentialsResolver::parse).ifPresent(chain::add);
    }
    if (chain.isEmpty()) {
      return operatorWide;
    }
    chain.add(operatorWide);
    return RegistryCredentials.chain(chain.toArray(new RegistryCredentials[0]));
  }

  private static Optional<RegistryCredentials> parse(String json) {
    try {
      return Optional.of(RegistryCredentials.fromDockerConfigJson(json));
    } catch (IllegalArgumentException e) {
      // The message never quotes the secret.
      LOG.warn("a pull secret is not docker config JSON and is skipped: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
