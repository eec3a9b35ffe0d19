package dev.tonnage.e2e.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.TrustedCertificates;
import dev.tonnage.tls.CertificateAuthority;
import dev.tonnage.tls.PemKeyMaterial;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook end to end: kube-apiserver 1.20 calls the operator jar, running as its own process,
 * which measures images in a real registry and answers by real policies; kubectl shows what users
 * see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PrintComponentLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionE2E {

  private static final Duration BUDGET = Duration.ofSeconds(3);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path repo = Checkout.root();
  private ScratchDirectory work;
  private RegistryServer registry;
  private KubeApiServer kube;
  private OperatorProcess operator;
  private CertificateAuthority ca;
  private String small;
  private String big;
  private String medium;
  private String release1;
  private String release2;

  @BeforeAll
  void start() throws Exception {
    work = ScratchDirectory.create("admission-e2e");
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      small = images.push("team/small:1", ImageSpec.singleLayer("app.txt", "hello")).reference();
      medium =
          images
              .push("team/medium:1", ImageSpec.singleLayer("data.bin", noise(300 * 1024)))
              .reference();
      big =
          images
              .push("team/big:1", ImageSpec.singleLayer("data.bin", noise(2 * 1024 * 1024)))
              .reference();
      release1 =
          images
              .push("team/grow:1", ImageSpec.singleLayer("data.bin", noise(40 * 1024)))
              .reference();
      release2 =
          images
              .push("team/grow:2", ImageSpec.singleLayer("data.bin", noise(200 * 1024)))
              .reference();
    }
    kube = KubeApiServer.start();
    kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
    Namespaces.create(kube, "tonnage");
    Namespaces.createForPods(kube, "shop");

    ca = CertificateAuthority.generate("e2e-webhook-ca", Duration.ofDays(1), Instant.now());
    serving().writeTo(work.path().resolve("tls.crt"), work.path().resolve("tls.key"));
    operator =
        OperatorProcess.start(
            repo,
            kube,
            work.path().resolve("operator.log"),
            "--tls-cert",
            work.path().resolve("tls.crt").toString(),
            "--tls-key",
            work.path().resolve("tls.key").toString(),
            "--tls-reload-interval",
            "500ms",
            "--insecure-registry",
            registry.hostPort(),
            "--review-budget",
            BUDGET.toMillis() + "ms");

    apply(
        policy("enforce-small", "Enforce", "Deny", false, registry.hostPort() + "/team/big", "1Mi")
            + "---\n"
            + policy(
                "warn-medium",
                "Warn",
                "Allow",
                false,
                registry.hostPort() + "/team/medium",
                "100Ki")
            + "---\n"
            + policy(
                "annotate-small",
                "Audit",
                "Allow",
                true,
                registry.hostPort() + "/team/small",
                "1Gi")
            + "---\n"
            + policy(
                "fail-open", "Enforce", "Allow", false, registry.hostPort() + "/open/**", "1Gi")
            + "---\n"
            + policy(
                "fail-closed",
                "Enforce",
                "Deny",
                false,
                registry.hostPort() + "/closed/**",
                "1Gi"));
    // The operator's policy cache follows within a moment: wait until the Enforce policy bites.
    awaitInForce("enforce-small", deployment("probe", big));
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
  @Order(1)
  void anEnforcePolicyDeniesTheDeploymentWithItsMessageOnKubectlStderr() {
    ProcessResult result =
        kube.kubectlWithInput(deployment("api", big), "apply", "-n", "shop", "-f", "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr())
        .contains("admission webhook \"validate.tonnage.dev\" denied the request")
        .contains("enforce-small")
        .contains("team/big:1");
    assertThat(kube.kubectl("get", "deployment", "api", "-n", "shop").succeeded()).isFalse();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> events("api").contains("ImageTooLarge"));
  }

  @Test
  @Order(2)
  void aWarnPolicyAdmitsWithWarningLines() {
    ProcessResult result =
        kube.kubectlWithInput(deployment("cache", medium), "apply", "-n", "shop", "-f", "-");
    result.requireSuccess();
    assertThat(result.stderr()).contains("Warning:").contains("warn-medium");
  }

  @Test
  @Order(3)
  void annotateAddsTheSizesToTheDeploymentAndItsPodTemplate() {
    kube.kubectlWithInput(deployment("web", small), "apply", "-n", "shop", "-f", "-")
        .requireSuccess();
    String object = field("deployment", "web", "{.metadata.annotations.tonnage\\.dev/image-sizes}");
    String template =
        field(
            "deployment", "web", "{.spec.template.metadata.annotations.tonnage\\.dev/image-sizes}");
    assertThat(object)
        .contains("\"container\":\"main\"")
        .contains("\"compressed\":")
        .contains("linux/amd64");
    assertThat(template).isEqualTo(object);
    assertThat(field("deployment", "web", "{.metadata.annotations.tonnage\\.dev/violations}"))
        .isEqualTo("[]");
  }

  @Test
  @Order(4)
  void aServerSideDryRunIsAnsweredAlikeAndLeavesNoEvent() throws Exception {
    ProcessResult result =
        kube.kubectlWithInput(
            deployment("dry", big), "apply", "--dry-run=server", "-n", "shop", "-f", "-");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("denied the request").contains("enforce-small");
    Thread.sleep(3000);
    assertThat(events("dry")).isEmpty();
  }

  @Test
  @Order(5)
  void aRotatedCertificateIsServedWithoutARestart() throws Exception {
    long pid = operator.pid();
    X509Certificate before = servedCertificate();
    PemKeyMaterial next = serving();
    next.writeTo(work.path().resolve("tls.crt"), work.path().resolve("tls.key"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> servedCertificate().getSerialNumber().equals(next.leaf().getSerialNumber()));
    assertThat(servedCertificate().getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(operator.isAlive()).isTrue();
    assertThat(operator.pid()).isEqualTo(pid);
    ProcessResult result =
        kube.kubectlWithInput(deployment("after-rotation", big), "apply", "-n", "shop", "-f", "-");
    assertThat(result.stderr()).contains("enforce-small");
  }

  @Test
  @Order(6)
  void anImageBumpThatGrowsTheImagePastMaxGrowthIsDeniedAndTheOldImageStays() {
    apply(
        "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: no-bloat}\n"
            + "spec:\n  action: Enforce\n  match: {images: [\""
            + registry.hostPort()
            + "/team/grow\"]}\n  limits: {maxGrowth: 10%}\n");
    // A CREATE is never judged for growth.
    kube.kubectlWithInput(deployment("grower", release1), "apply", "-n", "shop", "-f", "-")
        .requireSuccess();
    awaitInForce("no-bloat", deployment("grower", release2));

    ProcessResult bump =
        kube.kubectlWithInput(deployment("grower", release2), "apply", "-n", "shop", "-f", "-");

    assertThat(bump.exitCode()).isNotZero();
    assertThat(bump.stderr())
        .contains("denied the request", "no-bloat", "team/grow:2")
        .contains("grew from", "(" + release1 + ")", "over the growth limit of 10%");
    assertThat(field("deployment", "grower", "{.spec.template.spec.containers[0].image}"))
        .isEqualTo(release1);
  }

  @Test
  @Order(7)
  void withTheRegistryDownPoliciesAllowOrDenyAsDeclaredWithinTheBudget() {
    registry.stop();
    try {
      long started = System.nanoTime();
      ProcessResult open =
          kube.kubectlWithInput(
              pod("opened", registry.hostPort() + "/open/app:1"), "apply", "-n", "shop", "-f", "-");
      Duration openTook = Duration.ofNanos(System.nanoTime() - started);
      open.requireSuccess();
      assertThat(open.stderr()).contains("Warning:").contains("fail-open");
      // The warning names the cause, not only the reason word.
      assertThat(open.stderr())
          .containsPattern(
              "not checked, (cannot connect|connection failed|timeout)[^\\n]*"
                  + "\\((Unavailable|Timeout)\\)");
      assertThat(openTook).isLessThan(BUDGET.plusSeconds(3));

      started = System.nanoTime();
      ProcessResult closed =
          kube.kubectlWithInput(
              pod("closed", registry.hostPort() + "/closed/app:1"),
              "apply",
              "-n",
              "shop",
              "-f",
              "-");
      Duration closedTook = Duration.ofNanos(System.nanoTime() - started);
      assertThat(closed.exitCode()).isNotZero();
      assertThat(closed.stderr())
          .contains("denied the request")
          .contains("fail-closed")
          .contains("onRegistryError");
      assertThat(closedTook).isLessThan(BUDGET.plusSeconds(3));
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> events("opened").contains("ImageFactsUnavailable"));
    } finally {
      registry.restart();
    }
  }

  /**
   * Waits until the operator's policy cache has {@code policy}: a server-side dry run of {@code
   * manifest} in namespace shop is refused by it.
   */
  private void awaitInForce(String policy, String manifest) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kube.kubectlWithInput(
                        manifest, "apply", "--dry-run=server", "-n", "shop", "-f", "-")
                    .stderr()
                    .contains(policy));
  }

  private PemKeyMaterial serving() {
    return ca.issueServingCertificate(
        "127.0.0.1", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), Instant.now());
  }

  private X509Certificate servedCertificate() throws Exception {
    SSLContext context =
        TrustedCertificates.sslContext(TrustedCertificates.trustManager(ca.certificate()));
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", operator.webhookPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** One field of an object in namespace shop, by kubectl jsonpath. */
  private String field(String resource, String name, String jsonpath) {
    return kube.kubectl("get", resource, name, "-n", "shop", "-o", "jsonpath=" + jsonpath)
        .requireSuccess()
        .stdout();
  }

  private String events(String name) {
    return kube.kubectl(
            "get",
            "events",
            "-n",
            "shop",
            "--field-selector",
            "involvedObject.name=" + name,
            "-o",
            "jsonpath={.items[*].reason}")
        .requireSuccess()
        .stdout();
  }

  private void apply(String yaml) {
    kube.apply(yaml).requireSuccess();
  }

  private static String policy(
      String name,
      String action,
      String onRegistryError,
      boolean annotate,
      String images,
      String maxCompressed) {
    return "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  action: "
        + action
        + "\n  onRegistryError: "
        + onRegistryError
        + "\n  annotate: "
        + annotate
        + "\n"
        + "  match: {images: [\""
        + images
        + "\"]}\n  limits: {maxCompressedSize: "
        + maxCompressed
        + "}\n";
  }

  private static String deployment(String name, String image) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
        + name
        + "}\nspec:\n  selector: {matchLabels: {app: "
        + name
        + "}}\n"
        + "  template:\n    metadata: {labels: {app: "
        + name
        + "}}\n    spec:\n      containers: [{name: main, image: \""
        + image
        + "\"}]\n";
  }

  private static String pod(String name, String image) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: "
        + name
        + "}\nspec:\n  automountServiceAccountToken: false\n"
        + "  containers: [{name: main, image: \""
        + image
        + "\"}]\n";
  }

  private static String noise(int bytes) {
    byte[] random = new byte[bytes * 3 / 4];
    RANDOM.nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }
}
