package dev.tonnage.e2e.bench;

import dev.tonnage.testing.Checkout;
import dev.tonnage.testing.image.Blob;
import dev.tonnage.testing.image.Gzip;
import dev.tonnage.testing.image.MediaTypes;
import dev.tonnage.testing.image.RegistryClient;
import dev.tonnage.testing.image.Sha256;
import dev.tonnage.testing.image.TarArchive;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.kube.Namespaces;
import dev.tonnage.testing.operator.OperatorProcess;
import dev.tonnage.testing.process.FootprintSampler;
import dev.tonnage.testing.process.ProcessFootprint;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.registry.RegistryMode;
import dev.tonnage.testing.registry.RegistryServer;
import dev.tonnage.testing.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark of issue 10 item 12, not part of any test suite: a real kube-apiserver and
 * registry, {@code bench.images} distinct small images (default 1,000) pushed over HTTP, {@code
 * bench.pods} Pods (default 10,000) across {@code bench.namespaces} namespaces referencing them,
 * and the operator jar with {@code -Xmx256m} and the audit on. Prints how long the audit took to
 * cover every Pod and the operator's peak heap, RSS and threads. Run with scripts/bench.sh scale.
 */
public final class ScaleBenchmark {

  private static final int IMAGES = Integer.getInteger("bench.images", 1000);
  private static final int PODS = Integer.getInteger("bench.pods", 10_000);
  private static final int NAMESPACES = Integer.getInteger("bench.namespaces", 10);
  private static final String HEAP = System.getProperty("bench.heap", "256m");

  /** The audit's per-registry fetch rate; the operator's default unless given. */
  private static final String RATE_LIMITS = System.getProperty("bench.rateLimits", "*=5");

  /** How long the audit may take before the benchmark gives up and reports how far it got. */
  private static final Duration AUDIT_TIMEOUT =
      Duration.ofSeconds(Long.getLong("bench.auditTimeoutSeconds", 1200));

  /** Parallel pushes and Pod creations: enough to keep the local servers busy on 2 cores. */
  private static final int CLIENT_THREADS = 8;

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path repo = Checkout.root();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
    try (ScratchDirectory work = ScratchDirectory.create("bench-scale");
        RegistryServer registry = RegistryServer.start(RegistryMode.PLAIN);
        RegistryClient client = RegistryClient.forServer(registry)) {
      long t0 = System.nanoTime();
      List<String> images = pushImages(registry, client, pool);
      say("pushed %d images in %d s", images.size(), seconds(t0));

      try (KubeApiServer kube = KubeApiServer.start();
          KubernetesClient k8s =
              new KubernetesClientBuilder()
                  .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
                  .build()) {
        kube.kubectl("apply", "-f", Checkout.crds().toString()).requireSuccess();
        Namespaces.create(kube, "tonnage");
        long t1 = System.nanoTime();
        createPods(kube, k8s, images, pool);
        say("created %d Pods in %d namespaces in %d s", PODS, NAMESPACES, seconds(t1));
        kube.apply(
                "apiVersion: tonnage.dev/v1alpha1\nkind: ClusterImagePolicy\n"
                    + "metadata: {name: bench}\nspec:\n  action: Audit\n"
                    + "  match: {images: [\"**\"]}\n"
                    + "  limits: {maxCompressedSize: 1Mi, maxLayers: 10}\n")
            .requireSuccess();

        CertificateAuthority ca = CertificateAuthority.create("bench CA");
        ca.issueServerCertificate("tonnage", List.of("localhost"), List.of("127.0.0.1"))
            .writePem(work.path().resolve("tls.crt"), work.path().resolve("tls.key"));
        long t2 = System.nanoTime();
        try (OperatorProcess operator =
                OperatorProcess.builder(repo, kube)
                    .logFile(work.path().resolve("operator.log"))
                    .jvmOptions("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError")
                    .registerWebhooks(false)
                    .flags(
                        "--tls-cert",
                        work.path().resolve("tls.crt").toString(),
                        "--tls-key",
                        work.path().resolve("tls.key").toString(),
                        "--insecure-registry",
                        registry.hostPort(),
                        "--no-leader-election",
                        "--registry-rate-limits",
                        RATE_LIMITS)
                    .start();
            FootprintSampler footprint = FootprintSampler.start(operator.pid())) {
          say(
              "operator ready in %d s (pid %d, -Xmx%s, --registry-rate-limits %s)",
              seconds(t2), operator.pid(), HEAP, RATE_LIMITS);
          awaitAudit(kube, operator, footprint, t2);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> pushImages(
      RegistryServer registry, RegistryClient client, ExecutorService pool) throws Exception {
    List<Future<String>> pushes = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      int n = i;
      pushes.add(pool.submit(() -> pushImage(registry, client, n)));
    }
    List<String> images = new ArrayList<>();
    for (Future<String> push : pushes) {
      images.add(push.get(5, TimeUnit.MINUTES));
    }
    return images;
  }

  /** One image: a distinct tiny layer, its config and an OCI manifest, written over HTTP. */
  private static String pushImage(RegistryServer registry, RegistryClient client, int n) {
    String repository = "bench/app-" + (n % 50);
    byte[] tar = TarArchive.ofFile("etc/image-" + n, "image " + n + "\n").toBytes();
    Blob layer = Blob.of(Gzip.compress(tar));
    Blob config =
        Blob.of(
            ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[\""
                    + Sha256.digest(tar)
                    + "\"]},\"history\":[{\"created_by\":\"COPY image-"
                    + n
                    + " /etc/\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    client.pushBlob(repository, layer);
    client.pushBlob(repository, config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + config.digest()
            + "\",\"size\":"
            + config.size()
            + "},\"layers\":[{\"mediaType\":\""
            + MediaTypes.OCI_LAYER_GZIP
            + "\",\"digest\":\""
            + layer.digest()
            + "\",\"size\":"
            + layer.size()
            + "}]}";
    String tag = "v" + n;
    client.putManifest(
        repository, tag, MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    return registry.hostPort() + "/" + repository + ":" + tag;
  }

  private static void createPods(
      KubeApiServer kube, KubernetesClient k8s, List<String> images, ExecutorService pool)
      throws Exception {
    for (int ns = 0; ns < NAMESPACES; ns++) {
      Namespaces.createForPods(kube, "bench-" + ns);
    }
    List<Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      int n = i;
      creates.add(
          pool.submit(
              () -> {
                Pod pod =
                    new PodBuilder()
                        .withNewMetadata()
                        .withName("pod-" + n)
                        .withNamespace("bench-" + (n % NAMESPACES))
                        .endMetadata()
                        .withNewSpec()
                        .withAutomountServiceAccountToken(false)
                        .addNewContainer()
                        .withName("main")
                        .withImage(images.get(n % images.size()))
                        .endContainer()
                        .endSpec()
                        .build();
                k8s.pods().resource(pod).create();
              }));
    }
    for (Future<?> create : creates) {
      create.get(10, TimeUnit.MINUTES);
    }
  }

  /**
   * Polls the policy status until an audit covered every Pod and image, printing progress every ten
   * seconds; then the figures.
   */
  private static void awaitAudit(
      KubeApiServer kube, OperatorProcess operator, FootprintSampler footprint, long started)
      throws Exception {
    long deadline = started + AUDIT_TIMEOUT.toNanos();
    long peakHeap = 0;
    long lastReport = 0;
    String summary = "";
    boolean done = false;
    while (System.nanoTime() < deadline && operator.isAlive()) {
      peakHeap = Math.max(peakHeap, heapUsed(operator));
      summary =
          kube.kubectl(
                  "get",
                  "clusterimagepolicy",
                  "bench",
                  "-o",
                  "jsonpath={.status.lastAuditTime} {.status.summary}")
              .stdout()
              .trim();
      // The summary is written when an audit ends: every image seen means every Pod was read.
      if (summary.contains("\"images\":" + IMAGES + ",")
          || summary.contains("\"images\":" + IMAGES + "}")) {
        done = true;
        break;
      }
      if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
        say("  +%d s: status %s; %s", seconds(started), summary, footprint.peak());
        lastReport = System.nanoTime();
      }
      Thread.sleep(1000);
    }
    ProcessFootprint peak = footprint.peak();
    say(
        "%s after %d s from operator start: status %s",
        done ? "AUDIT COMPLETE" : (operator.isAlive() ? "AUDIT NOT COMPLETE" : "OPERATOR EXITED"),
        seconds(started),
        summary);
    say(
        "peak heap used %d MiB (of -Xmx%s), peak RSS %d MiB, peak threads %d",
        peakHeap >> 20, HEAP, peak.rssBytes() >> 20, peak.threads());
  }

  /** Sum of jvm_memory_used_bytes{area="heap"} from /metrics, 0 when unavailable. */
  private static long heapUsed(OperatorProcess operator) {
    try {
      long sum = 0;
      for (String line : operator.scrape().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      return 0;
    }
  }

  private static long seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000_000L;
  }

  private static void say(String format, Object... args) {
    System.out.println("[bench] " + String.format(format, args));
  }
}
