package dev.tonnage.registry.cloud;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Azure workload identity settings, as the workload identity webhook injects them into a Pod whose
 * ServiceAccount is annotated with a client ID and which is labelled {@code
 * azure.workload.identity/use: "true"}.
 */
record WorkloadIdentity(
    String clientId, String tenantId, Path federatedTokenFile, String authorityHost) {

  /** The settings from {@code env}, or empty when one of the required three is missing. */
  static Optional<WorkloadIdentity> fromEnvironment(Map<String, String> env) {
    String clientId = env.get("AZURE_CLIENT_ID");
    String tenantId = env.get("AZURE_TENANT_ID");
    String file = env.get("AZURE_FEDERATED_TOKEN_FILE");
    if (isBlank(clientId) || isBlank(tenantId) || isBlank(file)) {
      return Optional.empty();
    }
    String authority = env.get("AZURE_AUTHORITY_HOST");
    return Optional.of(
        new WorkloadIdentity(
            clientId.trim(),
            tenantId.trim(),
            Path.of(file.trim()),
            isBlank(authority) ? EntraTokens.DEFAULT_AUTHORITY_HOST : authority.trim()));
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
