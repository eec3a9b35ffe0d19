package dev.tonnage.e2e.exceptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.tls.CertificateAuthority;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exceptions end to end: kube-apiserver 1.20 calls the operator jar, which honours
 * ImagePolicyExceptions only in its own namespace; kubectl shows what users see. An object label no
 * longer opts out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
class ExceptionE2E {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path repo =
      Path.of(System.getProperty("tonnage.repo.root", "..")).toAbsolutePath().normalize();
  private ScratchDirectory work;
  private RegistryServer registry;
  private KubeApiServer kube;
  private OperatorProcess operator;
  private String big;

  @BeforeAll
  void start() throws Exception {
    work = ScratchDirectory.create("exception-e2e");
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      big =
          images
              .push("team/big:1", ImageSpec.singleLayer("data.bin", noise(2 * 1024 * 1024)))
              .reference();
    }
    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", repo.resolve("crds").toString()).requireSuccess();
    for (String ns : List.of("tonnage", "shop", "ml", "legacy", "brief")) {
      kube.kubectl("create", "namespace", ns).requireSuccess();
      kube.kubectlWithInput(
              "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: "
                  + ns
                  + "}\nautomountServiceAccountToken: false\n",
              "apply",
              "-f",
              "-")
          .requireSuccess();
    }
    Path cert = work.path().resolve("tls.crt");
    Path key = work.path().resolve("tls.key");
    CertificateAuthority.generate("e2e-webhook-ca", Duration.ofDays(1), Instant.now())
        .issueServingCertificate(
            "127.0.0.1",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(1),
            Instant.now())
        .writeTo(cert, key);
    operator =
        OperatorProcess.start(
            repo,
            kube,
            work.path().resolve("operator.log"),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString(),
            "--insecure-registry",
            registry.hostPort(),
            "--review-budget",
            "3000ms",
            "--audit-debounce",
            "1s");
    apply(
        "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: slim}\n"
            + "spec:\n  action: Enforce\n  onRegistryError: Deny\n"
            + "  match: {images: [\""
            + registry.hostPort()
            + "/team/**\"]}\n  limits: {maxCompressedSize: 1Mi}\n");
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> !dryRun("shop", deployment("probe", big, "")).succeeded());
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {operator, kube, registry, work}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  void aDeploymentLabelledToOptOutIsDeniedAllTheSame() {
    ProcessResult result =
        kube.kubectlWithInput(
            deployment("sneaky", big, "tonnage.dev/ignore: \"true\""),
            "apply",
            "-n",
            "shop",
            "-f",
            "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("denied the request").contains("slim");
  }

  @Test
  void aTrustedExceptionWaivesWithAWarningAnEventAndTheExceptedDecision() throws Exception {
    apply(
        exception(
            "tonnage",
            "ml-big",
            "  policies: [{kind: ClusterImagePolicy, name: slim}]\n"
                + "  rules: [maxCompressedSize]\n"
                + "  match: {namespaces: [ml], images: [\""
                + registry.hostPort()
                + "/team/big*\"]}\n"
                + "  expiresAt: \"2099-01-01T00:00:00Z\"\n"));
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "True".equals(ready("tonnage", "ml-big", "status")));
    ProcessResult result =
        kube.kubectlWithInput(deployment("model", big, ""), "apply", "-n", "ml", "-f", "-");
    result.requireSuccess();
    assertThat(result.stderr())
        .contains("Warning: exception tonnage/ml-big (until 2099-01-01T00:00:00Z) waives slim")
        .contains("maxCompressedSize");
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> events("ml", "model").contains("ImageExceptionApplied"));
    assertThat(operator.scrape())
        .containsPattern(
            "tonnage_admission_reviews_total\\{[^}]*decision=\"excepted\"[^}]*} [1-9]");
    // The exception covers namespace ml only: shop is still denied.
    assertThat(dryRun("shop", deployment("model", big, "")).succeeded()).isFalse();
    assertThat(kube.kubectl("get", "ipe", "-n", "tonnage").requireSuccess().stdout())
        .contains("ml-big")
        .contains("2099-01-01T00:00:00Z")
        .contains("True");
    // The audit counts the running Pod the exception waives as excepted, not as a violation.
    kube.kubectlWithInput(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: model-0}\nspec:\n"
                + "  automountServiceAccountToken: false\n  containers: [{name: main, image: \""
                + big
                + "\"}]\n",
            "apply",
            "-n",
            "ml",
            "-f",
            "-")
        .requireSuccess();
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> "1".equals(slimStatus("{.status.summary.excepted}")));
    assertThat(slimStatus("{.status.summary.violations}")).isEqualTo("0");
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                "1"
                    .equals(
                        kube.kubectl(
                                "get",
                                "ipe",
                                "ml-big",
                                "-n",
                                "tonnage",
                                "-o",
                                "jsonpath={.status.matchedWorkloads}")
                            .stdout()
                            .trim()));
  }

  private String slimStatus(String jsonpath) {
    return kube.kubectl("get", "clusterimagepolicy", "slim", "-o", "jsonpath=" + jsonpath)
        .stdout()
        .trim();
  }

  @Test
  void anExceptionOutsideTheTrustedNamespacesWaivesNothingAndSaysSo() {
    apply(exception("shop", "self-service", "  match: {namespaces: [shop]}\n"));
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "Untrusted".equals(ready("shop", "self-service", "reason")));
    assertThat(ready("shop", "self-service", "status")).isEqualTo("False");
    ProcessResult result =
        kube.kubectlWithInput(deployment("self", big, ""), "apply", "-n", "shop", "-f", "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("denied the request").contains("slim");
  }

  @Test
  void anExpiredExceptionWaivesNothing() {
    apply(
        exception(
            "tonnage",
            "long-gone",
            "  match: {namespaces: [legacy]}\n  expiresAt: \"2020-01-01T00:00:00Z\"\n"));
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "Expired".equals(ready("tonnage", "long-gone", "reason")));
    assertThat(dryRun("legacy", deployment("old", big, "")).succeeded()).isFalse();
  }

  @Test
  void anExceptionStopsWaivingAtItsExpiryWithoutAnEditOrRestart() {
    Instant soon = Instant.now().plusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
    long pid = operator.pid();
    apply(
        exception(
            "tonnage", "brief", "  match: {namespaces: [brief]}\n  expiresAt: \"" + soon + "\"\n"));
    Awaitility.await().atMost(WAIT).until(() -> "True".equals(ready("tonnage", "brief", "status")));
    assertThat(dryRun("brief", deployment("short", big, "")).succeeded()).isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !dryRun("brief", deployment("short", big, "")).succeeded());
    assertThat(Instant.now()).isAfterOrEqualTo(soon);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "Expired".equals(ready("tonnage", "brief", "reason")));
    assertThat(operator.pid()).isEqualTo(pid);
  }

  private ProcessResult dryRun(String namespace, String yaml) {
    return kube.kubectlWithInput(yaml, "apply", "--dry-run=server", "-n", namespace, "-f", "-");
  }

  private String ready(String namespace, String name, String field) {
    return kube.kubectl(
            "get",
            "imagepolicyexception",
            name,
            "-n",
            namespace,
            "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")]." + field + "}")
        .stdout()
        .trim();
  }

  private String events(String namespace, String name) {
    return kube.kubectl(
            "get",
            "events",
            "-n",
            namespace,
            "--field-selector",
            "involvedObject.name=" + name,
            "-o",
            "jsonpath={.items[*].reason}")
        .requireSuccess()
        .stdout();
  }

  private void apply(String yaml) {
    kube.kubectlWithInput(yaml, "apply", "-f", "-").requireSuccess();
  }

  private static String exception(String namespace, String name, String spec) {
    return "apiVersion: tonnage.dev/v1alpha1\nkind: ImagePolicyException\nmetadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\nspec:\n  reason: \"e2e: "
        + name
        + "\"\n"
        + spec;
  }

  private static String deployment(String name, String image, String extraLabel) {
    String labels = extraLabel.isEmpty() ? "app: " + name : "app: " + name + ", " + extraLabel;
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
        + name
        + "\n  labels: {"
        + labels
        + "}\nspec:\n  selector: {matchLabels: {app: "
        + name
        + "}}\n"
        + "  template:\n    metadata: {labels: {"
        + labels
        + "}}\n    spec:\n      containers: [{name: main, image: \""
        + image
        + "\"}]\n";
  }

  private static String noise(int bytes) {
    byte[] random = new byte[bytes * 3 / 4];
    RANDOM.nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }
}
