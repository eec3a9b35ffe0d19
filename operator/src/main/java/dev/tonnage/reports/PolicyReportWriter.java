package dev.tonnage.reports;

import dev.tonnage.audit.AuditResults;
import dev.tonnage.policy.CompiledPolicy;
import dev.tonnage.policy.PolicyRef;
import dev.tonnage.reports.ReportResult.Outcome;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one report per namespace in step with the audit: each audit of a policy replaces that
 * policy's results, and every namespace whose results changed gets its report applied again (server
 * side apply, Tonnage's own field manager) or deleted when no result is left. Results live in
 * memory per policy and namespace, each part already cut to {@link NamespaceResults#MAX_RESULTS}. A
 * failed write is logged and retried by the next audit; it never fails the audit.
 */
public final class PolicyReportWriter implements AuditResults {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyReportWriter.class);

  /** The name of Tonnage's report in each namespace. */
  public static final String NAME = "tonnage";

  /** The {@code source} of every result. */
  static final String SOURCE = "tonnage";

  static final String FIELD_MANAGER = "tonnage-reports";

  /** Says how many results a report does not list (the summary counts them). */
  public static final String OMITTED_ANNOTATION = "tonnage.dev/results-omitted";

  private final KubernetesClient client;
  private final List<ReportKind> kinds;
  private final Clock clock;
  private final Map<PolicyRef, Map<String, NamespaceResults>> byPolicy = new HashMap<>();

  PolicyReportWriter(KubernetesClient client, List<ReportKind> kinds, Clock clock) {
    this.client = client;
    this.kinds = List.copyOf(kinds);
    this.clock = clock;
  }

  /**
   * A writer for the report kinds the API server serves (API discovery, once, at start), or {@link
   * AuditResults#NONE} when reports are off or no report CRD is installed.
   */
  public static AuditResults start(KubernetesClient client, boolean enabled, Clock clock) {
    if (!enabled) {
      LOG.info("PolicyReports are off (--no-policy-reports)");
      return AuditResults.NONE;
    }
    List<ReportKind> served = ReportKind.ALL.stream().filter(k -> k.servedBy(client)).toList();
    if (served.isEmpty()) {
      LOG.info(
          "no report CRD is installed ({}): the audit writes no PolicyReports",
          ReportKind.ALL.stream().map(ReportKind::apiVersion).toList());
      return AuditResults.NONE;
    }
    LOG.info("the audit keeps one report per namespace as {}", served);
    return new PolicyReportWriter(client, served, clock);
  }

  @Override
  public synchronized void audited(CompiledPolicy policy, List<WorkloadFindings> findings) {
    Map<String, NamespaceResults> now = new LinkedHashMap<>();
    ReportResults.of(policy, findings, clock.instant())
        .forEach((namespace, results) -> now.put(namespace, NamespaceResults.of(results)));
    Map<String, NamespaceResults> before =
        now.isEmpty() ? byPolicy.remove(policy.ref()) : byPolicy.put(policy.ref(), now);
    Set<String> touched = new TreeSet<>(now.keySet());
    if (before != null) {
      touched.addAll(before.keySet());
    }
    touched.forEach(this::write);
  }

  @Override
  public synchronized void forget(PolicyRef policy) {
    Map<String, NamespaceResults> before = byPolicy.remove(policy);
    if (before != null) {
      new TreeSet<>(before.keySet()).forEach(this::write);
    }
  }

  /** Applies the namespace's report from every policy's results, or deletes it when none. */
  private void write(String namespace) {
    List<NamespaceResults> parts = new ArrayList<>();
    for (Map<String, NamespaceResults> results : byPolicy.values()) {
      NamespaceResults part = results.get(namespace);
      if (part != null) {
        parts.add(part);
      }
    }
    for (ReportKind kind : kinds) {
      try {
        if (parts.isEmpty()) {
          client
              .genericKubernetesResources(kind.apiVersion(), kind.kind())
              .inNamespace(namespace)
              .withName(NAME)
              .delete();
        } else {
          client
              .genericKubernetesResources(kind.apiVersion(), kind.kind())
              .inNamespace(namespace)
              .resource(report(kind, namespace, NamespaceResults.merge(parts)))
              .fieldManager(FIELD_MANAGER)
              .forceConflicts()
              .serverSideApply();
        }
      } catch (KubernetesClientException e) {
        LOG.warn(
            "could not write the {} of namespace {} (retried at the next audit): HTTP {}: {}",
            kind.kind(),
            namespace,
            e.getCode(),
            e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
      }
    }
  }

  static GenericKubernetesResource report(
      ReportKind kind, String namespace, NamespaceResults results) {
    GenericKubernetesResourceBuilder builder =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(kind.apiVersion())
            .withKind(kind.kind())
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "tonnage")
            .endMetadata();
    if (results.omitted() > 0) {
      builder
          .editMetadata()
          .addToAnnotations(
              OMITTED_ANNOTATION,
              results.omitted()
                  + " results not listed: a report lists at most "
                  + NamespaceResults.MAX_RESULTS
                  + " (failures first); the summary counts all")
          .endMetadata();
    }
    GenericKubernetesResource report = builder.build();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("pass", results.counts().getOrDefault(Outcome.PASS, 0));
    summary.put("fail", results.counts().getOrDefault(Outcome.FAIL, 0));
    summary.put("warn", results.counts().getOrDefault(Outcome.WARN, 0));
    summary.put("error", 0);
    summary.put("skip", results.counts().getOrDefault(Outcome.SKIP, 0));
    report.setAdditionalProperty("summary", summary);
    report.setAdditionalProperty(
        "results", results.listed().stream().map(PolicyReportWriter::result).toList());
    return report;
  }

  private static Map<String, Object> result(ReportResult r) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("policy", r.policy());
    result.put("rule", r.rule());
    result.put("result", r.result().value());
    result.put("severity", r.severity());
    result.put("message", r.message());
    result.put("source", SOURCE);
    result.put("category", r.rule().startsWith("baseImages") ? "Base image" : "Image size");
    result.put("scored", true);
    Map<String, Object> timestamp = new LinkedHashMap<>();
    timestamp.put("seconds", r.timestamp().getEpochSecond());
    timestamp.put("nanos", r.timestamp().getNano());
    result.put("timestamp", timestamp);
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("apiVersion", r.workload().apiVersion());
    resource.put("kind", r.workload().kind());
    resource.put("namespace", r.workload().namespace());
    resource.put("name", r.workload().name());
    if (r.workload().uid() != null) {
      resource.put("uid", r.workload().uid());
    }
    result.put("resources", List.of(resource));
    Map<String, String> properties = new LinkedHashMap<>(r.properties());
    properties.put("policyKind", r.policyKind());
    result.put("properties", properties);
    return result;
  }
}
