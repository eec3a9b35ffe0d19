package dev.tonnage.admission;

import java.util.List;
import java.util.Optional;

/**
 * The kinds Tonnage admits, with where each keeps its pod template. Versions do not matter: every
 * served version of these kinds keeps the template at the same path.
 */
public enum WorkloadKind {
  POD("", "Pod", "pods", List.of()),
  DEPLOYMENT("apps", "Deployment", "deployments", List.of("spec", "template")),
  REPLICA_SET("apps", "ReplicaSet", "replicasets", List.of("spec", "template")),
  STATEFUL_SET("apps", "StatefulSet", "statefulsets", List.of("spec", "template")),
  DAEMON_SET("apps", "DaemonSet", "daemonsets", List.of("spec", "template")),
  JOB("batch", "Job", "jobs", List.of("spec", "template")),
  CRON_JOB("batch", "CronJob", "cronjobs", List.of("spec", "jobTemplate", "spec", "template")),
  REPLICATION_CONTROLLER(
      "", "ReplicationController", "replicationcontrollers", List.of("spec", "template"));

  private final String group;
  private final String kind;
  private final String resource;
  private final List<String> templatePath;

  WorkloadKind(String group, String kind, String resource, List<String> templatePath) {
    this.group = group;
    this.kind = kind;
    this.resource = resource;
    this.templatePath = templatePath;
  }

  /** The kind for an AdmissionReview's request.kind, or empty when Tonnage does not admit it. */
  public static Optional<WorkloadKind> of(String group, String kind) {
    for (WorkloadKind candidate : values()) {
      if (candidate.kind.equals(kind) && candidate.group.equals(group)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public String group() {
    return group;
  }

  public String kind() {
    return kind;
  }

  /** The plural resource name, as webhook rules list it. */
  public String resource() {
    return resource;
  }

  /** Field names from the object to its pod template; empty for a Pod, which is its own. */
  public List<String> templatePath() {
    return templatePath;
  }
}
