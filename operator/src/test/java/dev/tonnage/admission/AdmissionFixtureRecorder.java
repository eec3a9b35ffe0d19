package dev.tonnage.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.tls.CertificateAuthority;
import dev.tonnage.tls.PemKeyMaterial;
import dev.tonnage.tls.ServingCertificate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Records the AdmissionReview fixtures of src/test/resources/admission from a real kube-apiserver
 * 1.20: registers a validating webhook that points at a capture server (it keeps each request body
 * and allows it), runs one kubectl command per case, and saves each body under the case's name.
 * Needs e2e/env/provision.sh to have run.
 *
 * <pre>
 * ./mvnw -q -pl operator -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=operator/target/test.cp -Dmdep.includeScope=test
 * java -cp operator/target/test-classes:operator/target/classes:$(cat operator/target/test.cp) \
 *     dev.tonnage.admission.AdmissionFixtureRecorder operator/src/test/resources/admission
 * </pre>
 */
public final class AdmissionFixtureRecorder {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final KubeApiServer kube;
  private final BlockingQueue<byte[]> captured;
  private final Path out;

  private AdmissionFixtureRecorder(KubeApiServer kube, BlockingQueue<byte[]> captured, Path out) {
    this.kube = kube;
    this.captured = captured;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "operator/src/test/resources/admission");
    Path certs = Files.createTempDirectory("tonnage-capture");
    CertificateAuthority ca =
        CertificateAuthority.generate("capture-ca", Duration.ofDays(1), Instant.now());
    PemKeyMaterial pair =
        ca.issueServingCertificate(
            "capture", List.of(), List.of("127.0.0.1"), Duration.ofDays(1), Instant.now());
    pair.writeTo(certs.resolve("tls.crt"), certs.resolve("tls.key"));
    BlockingQueue<byte[]> captured = new LinkedBlockingQueue<>();
    try (ServingCertificate certificate =
            new ServingCertificate(certs.resolve("tls.crt"), certs.resolve("tls.key"));
        KubeApiServer kube =
            KubeApiServer.builder()
                .apiServerFlag("feature-gates", "EphemeralContainers=true")
                .start()) {
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server, certificate.sslContextFactory());
      connector.setHost("127.0.0.1");
      server.addConnector(connector);
      server.setHandler(new Capture(captured));
      server.start();
      try {
        String bundle =
            Base64.getEncoder()
                .encodeToString(
                    PemKeyMaterial.encodeCertificates(List.of(ca.certificate()))
                        .getBytes(StandardCharsets.US_ASCII));
        new AdmissionFixtureRecorder(kube, captured, out)
            .record("https://127.0.0.1:" + connector.getLocalPort() + "/validate", bundle);
      } finally {
        server.stop();
      }
    }
    System.out.println("fixtures written to " + out.toAbsolutePath());
  }

  private void record(String url, String caBundle) throws Exception {
    apply(
        "apiVersion: admissionregistration.k8s.io/v1\n"
            + "kind: ValidatingWebhookConfiguration\n"
            + "metadata: {name: capture}\n"
            + "webhooks:\n"
            + "- name: capture.tonnage.dev\n"
            + "  clientConfig: {url: \""
            + url
            + "\", caBundle: \""
            + caBundle
            + "\"}\n"
            + "  rules:\n"
            + "  - {apiGroups: [\"\"], apiVersions: [\"*\"], operations: [CREATE, UPDATE],"
            + " scope: Namespaced, resources: [pods, pods/ephemeralcontainers,"
            + " replicationcontrollers, configmaps]}\n"
            + "  - {apiGroups: [apps], apiVersions: [\"*\"], operations: [CREATE, UPDATE],"
            + " scope: Namespaced, resources: [deployments, replicasets, statefulsets,"
            + " daemonsets]}\n"
            + "  - {apiGroups: [batch], apiVersions: [\"*\"], operations: [CREATE, UPDATE],"
            + " scope: Namespaced, resources: [jobs, cronjobs]}\n"
            + "  namespaceSelector: {matchLabels: {capture: \"yes\"}}\n"
            + "  sideEffects: NoneOnDryRun\n"
            + "  admissionReviewVersions: [v1]\n"
            + "  matchPolicy: Equivalent\n"
            + "  failurePolicy: Fail\n"
            + "  timeoutSeconds: 10\n");
    kubectl("create", "namespace", "shop");
    kubectl("label", "namespace", "shop", "capture=yes", "env=prod");
    // No controller-manager runs: create the service accounts the Pods use, without tokens.
    apply(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n"
            + "automountServiceAccountToken: false\n---\n"
            + "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: shop}\n"
            + "automountServiceAccountToken: false\nimagePullSecrets: [{name: regcred}]\n");
    kubectl(
        "-n",
        "shop",
        "create",
        "secret",
        "docker-registry",
        "regcred",
        "--docker-server=registry.example",
        "--docker-username=fixture",
        "--docker-password=not-a-secret");
    Thread.sleep(1000); // the webhook configuration reaches the API server's cache

    step("pod-create", read("pod-web.yaml"), "-n", "shop", "apply", "-f", "-");
    step("pod-update-labels", null, "-n", "shop", "label", "pod", "web", "tier=frontend");
    step(
        "pod-update-image",
        null,
        "-n",
        "shop",
        "set",
        "image",
        "pod/web",
        "app=registry.example/acme/web:1.1");
    step(
        "pod-ephemeralcontainers",
        read("ephemeralcontainers.json"),
        "replace",
        "--raw",
        "/api/v1/namespaces/shop/pods/web/ephemeralcontainers",
        "-f",
        "-");
    step(
        "pod-create-generatename",
        read("pod-generatename.yaml"),
        "-n",
        "shop",
        "create",
        "-f",
        "-");
    step("pod-create-mirror", read("pod-mirror.yaml"), "-n", "shop", "apply", "-f", "-");
    String deployment = read("deployment.yaml");
    step(
        "deployment-create-dryrun",
        deployment,
        "-n",
        "shop",
        "apply",
        "--dry-run=server",
        "-f",
        "-");
    step("deployment-create", deployment, "-n", "shop", "apply", "-f", "-");
    step(
        "deployment-update-replicas",
        null,
        "-n",
        "shop",
        "patch",
        "deployment",
        "api",
        "-p",
        "{\"spec\":{\"replicas\":3}}");
    step(
        "deployment-update-image",
        null,
        "-n",
        "shop",
        "set",
        "image",
        "deployment/api",
        "api=registry.example/acme/api:3.5");
    for (String kind :
        List.of(
            "replicaset", "statefulset", "daemonset", "job", "cronjob", "replicationcontroller")) {
      step(kind + "-create", read(kind + ".yaml"), "-n", "shop", "apply", "-f", "-");
    }
    step(
        "configmap-create",
        null,
        "-n",
        "shop",
        "create",
        "configmap",
        "settings",
        "--from-literal=mode=fast");
  }

  /** Runs kubectl, which must send exactly one review, and saves it as {@code name}.json. */
  private void step(String name, String stdin, String... args) throws Exception {
    captured.clear();
    ProcessResult result = stdin == null ? kube.kubectl(args) : kube.kubectlWithInput(stdin, args);
    result.requireSuccess();
    byte[] body = captured.poll(5, TimeUnit.SECONDS);
    if (body == null) {
      throw new IllegalStateException(name + ": kubectl sent no review");
    }
    Thread.sleep(300);
    if (!captured.isEmpty()) {
      throw new IllegalStateException(name + ": kubectl sent more than one review");
    }
    Files.writeString(
        out.resolve(name + ".json"), JSON.writeValueAsString(JSON.readTree(body)) + "\n");
    System.out.println("recorded " + name + ".json");
  }

  private void apply(String yaml) {
    kube.kubectlWithInput(yaml, "apply", "-f", "-").requireSuccess();
  }

  private void kubectl(String... args) {
    kube.kubectl(args).requireSuccess();
  }

  /** A manifest the recorder applies, from src/test/resources/admission/manifests. */
  private static String read(String name) {
    return Fixtures.read("manifests/" + name);
  }

  /** Keeps each request body and allows it. */
  private static final class Capture extends Handler.Abstract {
    private final BlockingQueue<byte[]> captured;
    private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

    Capture(BlockingQueue<byte[]> captured) {
      this.captured = captured;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      byte[] body;
      try (var in = Content.Source.asInputStream(request)) {
        body = in.readAllBytes();
      }
      captured.add(body);
      byte[] answer = codec.write(AdmissionResponse.allow(codec.read(body)));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(answer), callback);
      return true;
    }
  }
}
