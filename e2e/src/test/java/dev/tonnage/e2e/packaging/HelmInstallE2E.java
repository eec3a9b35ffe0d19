package dev.tonnage.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.helm.Helm;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install} (Helm 4, server-side apply) of the chart into a real kube-apiserver 1.20,
 * then the chart's RBAC checked as the chart's ServiceAccount itself (a static token for {@code
 * system:serviceaccount:tonnage:tonnage} and its groups), an upgrade that must keep what the
 * operator wrote, and {@code helm uninstall} that must remove everything but the CRDs.
 */
class HelmInstallE2E {

  static final String NAMESPACE = "tonnage";
  static final String RELEASE = "tonnage";
  static final String SERVICE_ACCOUNT = "system:serviceaccount:" + NAMESPACE + ":tonnage";

  private Helm helm;
  private KubeApiServer kube;

  @BeforeEach
  void start() {
    helm = Helm.fromEnvironment();
    kube =
        KubeApiServer.builder()
            .identity(
                "operator",
                SERVICE_ACCOUNT,
                "system:serviceaccounts",
                "system:serviceaccounts:" + NAMESPACE,
                "system:authenticated")
            .start();
  }

  @AfterEach
  void stop() {
    try {
      if (kube != null) {
        kube.close();
      }
    } finally {
      if (helm != null) {
        helm.close();
      }
    }
  }

  @Test
  void installGrantsTheServiceAccountWhatTheOperatorNeedsAndNothingElse() {
    ProcessResult install = install("--set", "imagePullSecrets.read=none").requireSuccess();

    assertThat(install.stdout())
        .as("NOTES.txt tells the next step")
        .contains("kubectl apply", "ClusterImagePolicy", "tonnage.dev/ignore=true");
    // What the webhook and the audit read, in every namespace.
    for (String resource : List.of("pods", "namespaces", "replicationcontrollers")) {
      assertCan("list", "", resource, "", null);
      assertCan("watch", "", resource, "", null);
    }
    for (String resource : List.of("deployments", "replicasets", "statefulsets", "daemonsets")) {
      assertCan("watch", "apps", resource, "", null);
    }
    assertCan("watch", "batch", "jobs", "", null);
    assertCan("watch", "batch", "cronjobs", "", null);
    assertCan("watch", "tonnage.dev", "clusterimagepolicies", "", null);
    assertCan("list", "tonnage.dev", "imagepolicies", "", null);
    assertCan("patch", "tonnage.dev", "clusterimagepolicies", "status", null);
    assertCan("update", "tonnage.dev", "imagepolicies", "status", "default");
    assertCan("create", "", "events", "", "default");
    assertCan("patch", "events.k8s.io", "events", "", "default");
    // Leader election and its own TLS material, in its namespace only.
    assertCan("create", "coordination.k8s.io", "leases", "", NAMESPACE);
    assertCan("update", "coordination.k8s.io", "leases", "", NAMESPACE, "tonnage-leader");
    assertCan("get", "", "secrets", "", NAMESPACE, "tonnage-webhook-tls");
    assertCan("update", "", "secrets", "", NAMESPACE, "tonnage-webhook-tls");
    // Its two webhook configurations, by name.
    assertCan(
        "patch",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "",
        null,
        "tonnage-validating");
    assertCan(
        "patch",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        "",
        null,
        "tonnage-mutating");
    // ...which it watches by name, to put its caBundle back when they are replaced.
    assertCan(
        "watch",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "",
        null,
        "tonnage-validating");
    assertCannot(
        "watch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", null);

    assertCannot("get", "", "secrets", "", "default", "anything");
    assertCannot("list", "", "secrets", "", NAMESPACE);
    // ServiceAccounts only matter for their pull secrets, which read=none does not read.
    assertCannot("list", "", "serviceaccounts", "", null);
    assertCannot("get", "", "secrets", "", NAMESPACE, "other");
    assertCannot("create", "", "secrets", "", NAMESPACE);
    assertCannot("create", "coordination.k8s.io", "leases", "", "default");
    assertCannot("update", "coordination.k8s.io", "leases", "", "default", "tonnage-leader");
    assertCannot(
        "patch",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "",
        null,
        "someone-elses");
    assertCannot(
        "create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", null);
    assertCannot("update", "tonnage.dev", "clusterimagepolicies", "", null, "any");
    assertCannot("delete", "", "pods", "", "default");
    assertCannot("create", "", "pods", "", "default");
    assertCannot("patch", "apps", "deployments", "", "default");
  }

  @Test
  void pullSecretToggleWidensSecretAccessOnlyAsFarAsAsked() {
    kube.kubectl("create", "namespace", "team-a").requireSuccess();
    install().requireSuccess();
    // Default: get (never list, watch or write) Secrets by name everywhere, for Pods'
    // imagePullSecrets.
    assertCan("get", "", "secrets", "", null);
    assertCan("get", "", "serviceaccounts", "", null);
    assertCannot("list", "", "secrets", "", null);
    assertCannot("watch", "", "secrets", "", null);
    assertCannot("list", "", "secrets", "", "default");
    assertCannot("update", "", "secrets", "", "default", "anything");
    assertCannot("create", "", "secrets", "", "default");

    upgrade(
        "--set",
        "imagePullSecrets.read=namespaced",
        "--set",
        "imagePullSecrets.namespaces={team-a}");
    assertCan("get", "", "secrets", "", "team-a");
    assertCan("get", "", "serviceaccounts", "", "team-a");
    assertCannot("list", "", "secrets", "", "team-a");
    assertCannot("get", "", "secrets", "", "default");
    assertCannot("get", "", "secrets", "", null);
    assertCannot("get", "", "serviceaccounts", "", "default");

    upgrade("--set", "imagePullSecrets.read=none");
    assertCannot("get", "", "secrets", "", "team-a");
    assertCannot("get", "", "serviceaccounts", "", "team-a");
    assertCan("get", "", "secrets", "", NAMESPACE, "tonnage-webhook-tls");
  }

  private void upgrade(String... sets) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "upgrade", RELEASE, Helm.chart().toString(), "-n", NAMESPACE, "--reuse-values"));
    args.addAll(List.of(sets));
    helm.run(kube.kubeconfig(), args).requireSuccess();
  }

  @Test
  void upgradeKeepsTheCertificateTheOperatorWroteAndUninstallRemovesAllButTheCrds() {
    install().requireSuccess();
    List<String> installed = manifestObjects();
    // The operator fills the chart's empty Secret (here: a patch made as the ServiceAccount).
    String certificate =
        base64("-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n");
    kubectlAsOperator(
            "patch",
            "secret",
            "tonnage-webhook-tls",
            "-n",
            NAMESPACE,
            "--type=merge",
            "-p",
            "{\"data\":{\"tls.crt\":\"" + certificate + "\",\"ca.crt\":\"" + certificate + "\"}}")
        .requireSuccess();

    helm.run(
            kube.kubeconfig(),
            List.of(
                "upgrade",
                RELEASE,
                Helm.chart().toString(),
                "-n",
                NAMESPACE,
                "--reuse-values",
                "--set",
                "operator.logLevel=DEBUG"))
        .requireSuccess();

    String kept =
        kube.kubectl(
                "get",
                "secret",
                "tonnage-webhook-tls",
                "-n",
                NAMESPACE,
                "-o",
                "jsonpath={.data.tls\\.crt} {.data.ca\\.crt}")
            .requireSuccess()
            .stdout();
    assertThat(kept).isEqualTo(certificate + " " + certificate);

    helm.run(kube.kubeconfig(), List.of("uninstall", RELEASE, "-n", NAMESPACE, "--wait"))
        .requireSuccess();

    for (String object : installed) {
      ProcessResult get =
          kube.kubectl("get", object, "-n", NAMESPACE, "--ignore-not-found", "-o", "name");
      assertThat(get.stdout()).as("%s is gone after helm uninstall", object).isBlank();
    }
    Path crds = Helm.chart().resolve("crds");
    if (Files.isDirectory(crds)) {
      assertThat(kube.kubectl("get", "crd", "-o", "name").requireSuccess().stdout())
          .as("helm never deletes CRDs: policies outlive a reinstall")
          .contains("tonnage.dev");
    }
  }

  private ProcessResult install(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "install",
                RELEASE,
                Helm.chart().toString(),
                "--namespace",
                NAMESPACE,
                "--create-namespace",
                // No kubelet here: nothing would ever become ready, so no --wait.
                "--set",
                "webhook.url=https://127.0.0.1:8443"));
    args.addAll(List.of(extra));
    return helm.run(kube.kubeconfig(), args);
  }

  /** "kind/name" of every object of the release. */
  private List<String> manifestObjects() {
    String manifest =
        helm.run(kube.kubeconfig(), List.of("get", "manifest", RELEASE, "-n", NAMESPACE))
            .requireSuccess()
            .stdout();
    List<String> objects = RenderedChart.parse(manifest).resourceNames();
    assertThat(objects).hasSizeGreaterThan(10);
    return objects;
  }

  private void assertCan(
      String verb, String group, String resource, String sub, String ns, String... name) {
    assertThat(allowed(verb, group, resource, sub, ns, name))
        .as("%s may %s %s", SERVICE_ACCOUNT, verb, describe(group, resource, sub, ns, name))
        .isTrue();
  }

  private void assertCannot(
      String verb, String group, String resource, String sub, String ns, String... name) {
    assertThat(allowed(verb, group, resource, sub, ns, name))
        .as("%s may not %s %s", SERVICE_ACCOUNT, verb, describe(group, resource, sub, ns, name))
        .isFalse();
  }

  /**
   * A SelfSubjectAccessReview made by the ServiceAccount itself (its own token, not impersonation):
   * needs no discovery, so it also asks about resources whose CRD is not installed. A null
   * namespace asks about all namespaces (or a cluster-scoped resource).
   */
  private boolean allowed(
      String verb, String group, String resource, String sub, String ns, String... name) {
    StringBuilder attributes = new StringBuilder();
    attributes.append("\"verb\":\"").append(verb).append("\",\"group\":\"").append(group);
    attributes
        .append("\",\"resource\":\"")
        .append(resource)
        .append("\",\"subresource\":\"")
        .append(sub)
        .append('"');
    if (ns != null) {
      attributes.append(",\"namespace\":\"").append(ns).append('"');
    }
    if (name.length > 0) {
      attributes.append(",\"name\":\"").append(name[0]).append('"');
    }
    String review =
        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
            + "\"spec\":{\"resourceAttributes\":{"
            + attributes
            + "}}}";
    ProcessResult result =
        Command.of(
                Binaries.fromEnvironment().require("kubectl"),
                "--kubeconfig=" + kube.kubeconfigFor("operator"),
                "create",
                "-f",
                "-",
                "-o",
                "jsonpath={.status.allowed}")
            .withInput(review)
            .run()
            .requireSuccess();
    return result.stdout().strip().equals("true");
  }

  private static String describe(
      String group, String resource, String sub, String ns, String... name) {
    return (group.isEmpty() ? "" : group + "/")
        + resource
        + (sub.isEmpty() ? "" : "/" + sub)
        + (name.length > 0 ? " " + name[0] : "")
        + (ns == null ? " (all namespaces)" : " in " + ns);
  }

  private ProcessResult kubectlAsOperator(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("--kubeconfig=" + kube.kubeconfigFor("operator"));
    argv.addAll(List.of(args));
    return Command.of(Binaries.fromEnvironment().require("kubectl"), argv).run();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
