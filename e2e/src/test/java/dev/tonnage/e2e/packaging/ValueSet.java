package dev.tonnage.e2e.packaging;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A named set of chart values: a values file from this package's test resources plus {@code --set}
 * overrides, and the stand-in CRDs its rendered objects need on the API server.
 *
 * @param name what the set configures, shown in test names
 * @param valuesFile a resource next to this class, or null for the chart's defaults
 * @param sets {@code key=value} overrides
 * @param needsCertManager renders cert-manager.io objects
 * @param needsMonitoring renders monitoring.coreos.com objects
 */
record ValueSet(
    String name,
    String valuesFile,
    List<String> sets,
    boolean needsCertManager,
    boolean needsMonitoring) {

  static final List<ValueSet> ALL =
      List.of(
          new ValueSet("defaults", null, List.of(), false, false),
          new ValueSet("cert-manager", "values-cert-manager.yaml", List.of(), true, false),
          new ValueSet(
              "cert-manager with a ClusterIssuer",
              "values-cert-manager.yaml",
              List.of(
                  "webhook.tls.certManager.issuerRef.kind=ClusterIssuer",
                  "webhook.tls.certManager.issuerRef.name=corporate-ca"),
              true,
              false),
          new ValueSet("monitoring on", "values-monitoring.yaml", List.of(), false, true),
          new ValueSet("custom registries", "values-registries.yaml", List.of(), false, false),
          new ValueSet(
              "pull secrets in listed namespaces",
              null,
              List.of(
                  "imagePullSecrets.read=namespaced",
                  "imagePullSecrets.namespaces={default,kube-public}"),
              false,
              false),
          new ValueSet(
              "no pull secrets, failurePolicy Fail, one replica",
              null,
              List.of("imagePullSecrets.read=none", "webhook.failurePolicy=Fail", "replicaCount=1"),
              false,
              false),
          new ValueSet(
              "out-of-cluster webhook URL",
              null,
              List.of("webhook.url=https://127.0.0.1:8443"),
              false,
              false),
          new ValueSet("renamed chart", null, List.of("nameOverride=sizer"), false, false),
          new ValueSet(
              "audit only: no webhooks",
              null,
              List.of("webhook.enabled=false", "webhook.mutating.enabled=false"),
              false,
              false));

  /** The helm arguments that apply this set. */
  List<String> helmArgs() {
    List<String> args = new ArrayList<>();
    if (valuesFile != null) {
      args.add("--values");
      args.add(resource(valuesFile).toString());
    }
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return args;
  }

  static Path resource(String name) {
    URL url = ValueSet.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException("missing test resource " + name + " next to ValueSet");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
