package dev.tonnage.reports;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * A report resource Tonnage writes when its CRD is installed: not Tonnage's own API, so it is read
 * and written as generic resources and found by API discovery.
 *
 * @param group the API group
 * @param version the version written
 * @param kind the kind
 * @param plural the resource name, as discovery and RBAC spell it
 */
public record ReportKind(String group, String version, String kind, String plural) {

  /** The wg-policy PolicyReport that Kyverno, Trivy and Policy Reporter read. */
  public static final ReportKind POLICY_REPORT =
      new ReportKind("wgpolicyk8s.io", "v1alpha2", "PolicyReport", "policyreports");

  /** Its successor in the OpenReports project. */
  public static final ReportKind OPEN_REPORT =
      new ReportKind("openreports.io", "v1alpha1", "Report", "reports");

  /** Every kind Tonnage knows, in the order it looks for them. */
  public static final List<ReportKind> ALL = List.of(POLICY_REPORT, OPEN_REPORT);

  public String apiVersion() {
    return group + "/" + version;
  }

  /** Whether the API server serves this kind (API discovery); false when it does not or fails. */
  public boolean servedBy(KubernetesClient client) {
    try {
      APIResourceList resources = client.getApiResources(apiVersion());
      if (resources == null || resources.getResources() == null) {
        return false;
      }
      for (APIResource resource : resources.getResources()) {
        if (plural.equals(resource.getName())) {
          return true;
        }
      }
      return false;
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return kind + " (" + apiVersion() + ")";
  }
}
