package dev.tonnage.reports;

import dev.tonnage.audit.AuditResults;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import picocli.CommandLine.Option;

/** The PolicyReport flag of {@code tonnage operator} (a picocli mixin), with its env variable. */
public final class PolicyReportOptions {

  @Option(
      names = "--policy-reports",
      negatable = true,
      defaultValue = "${env:TONNAGE_POLICY_REPORTS:-true}",
      fallbackValue = "true",
      description =
          "Keep one PolicyReport (wgpolicyk8s.io/v1alpha2; also openreports.io/v1alpha1 Report)"
              + " per namespace with the audit's results, where the CRD is installed (env"
              + " TONNAGE_POLICY_REPORTS; ${DEFAULT-VALUE}).")
  boolean enabled;

  /** Where the audit's findings go: reports where a report CRD is installed, else nowhere. */
  public AuditResults start(KubernetesClient client) {
    return PolicyReportWriter.start(client, enabled, Clock.systemUTC());
  }
}
