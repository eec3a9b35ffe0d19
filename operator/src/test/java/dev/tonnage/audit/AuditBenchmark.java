package dev.tonnage.audit;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import dev.tonnage.events.RecordingEventWriter;
import dev.tonnage.registry.ImageInspector;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Audits a synthetic cluster through the real reconciler code path: {@code --pods} Pods in {@code
 * --namespaces} namespaces, five Pods per Deployment (via ReplicaSets), running {@code --images}
 * distinct images, judged by the real evaluator against a 500Mi ClusterImagePolicy. Facts come from
 * a fake registry that answers after {@code --latency-ms}; the audit's own per-registry budget
 * ({@code --budget} fetches/s) and fetch pool are the real ones. Prints wall time, fetches, peak
 * heap and status writes. See docs/benchmarks.md.
 */
public final class AuditBenchmark {

  private static final long MIB = 1024 * 1024;

  private AuditBenchmark() {}

  public static void main(String[] args) throws Exception {
    int pods = intArg(args, "--pods", 10_000);
    int namespaces = intArg(args, "--namespaces", 200);
    int images = intArg(args, "--images", 1_000);
    double budget = intArg(args, "--budget", 100);
    int latencyMs = intArg(args, "--latency-ms", 5);
    int concurrency = intArg(args, "--concurrency", AuditSettings.defaults().fetchConcurrency());
    int runs = intArg(args, "--runs", 2);

    TestingCluster cluster = syntheticCluster(pods, namespaces, images);
    FakeFactsSource registry = new FakeFactsSource(100 * MIB);
    for (int i = 0; i < images; i++) {
      registry.size(image(i), (i % 20) * 50 * MIB);
    }
    var delay = CompletableFuture.delayedExecutor(latencyMs, TimeUnit.MILLISECONDS);
    ImageInspector slowRegistry =
        (ref, request) ->
            CompletableFuture.supplyAsync(() -> null, delay)
                .thenCompose(x -> registry.inspect(ref, request));

    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AuditSettings settings = AuditSettings.defaults().withRegistryRateLimits("*=" + budget);
    RecordingEventWriter events = new RecordingEventWriter();
    AuditRuntime runtime =
        new AuditRuntime(
            new PolicyAuditor(
                cluster,
                new ImageMeasurer(
                    TestingFacts.source(slowRegistry, settings.fetchTimeout()),
                    RegistryBudget.parse(settings.registryRateLimits()),
                    pool),
                new PolicyAuditor.AuditRecorders(
                    events, new AuditMetricsLedger(new RecordingMetrics())),
                Clock.systemUTC()),
            cluster,
            settings,
            Clock.systemUTC());
    ClusterImagePolicyReconciler reconciler = new ClusterImagePolicyReconciler(runtime);
    ClusterImagePolicy policy = TestingPolicies.cluster("bench", "500Mi");

    System.out.printf(
        Locale.ROOT,
        "pods=%d namespaces=%d images=%d budget=%.0f/s latency=%dms concurrency=%d%n",
        pods,
        namespaces,
        images,
        budget,
        latencyMs,
        concurrency);
    for (int run = 1; run <= runs; run++) {
      int fetchesBefore = registry.total.get();
      long writesBefore = runtime.statusWrites().get();
      System.gc();
      resetPeakHeap();
      long start = System.nanoTime();
      var control = reconciler.reconcile(policy, null);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      AuditStatus status = AuditStatus.of(control.getResource().orElseThrow().getStatus());
      policy.setStatus(control.getResource().orElseThrow().getStatus());
      System.out.printf(
          Locale.ROOT,
          "run %d: wall=%d ms  fetches=%d  peakHeap=%d MiB  statusWrites=%d  events=%d"
              + "  summary: workloads=%d images=%d violations=%d unresolved=%d listed=%d%n",
          run,
          millis,
          registry.total.get() - fetchesBefore,
          peakHeap() / MIB,
          runtime.statusWrites().get() - writesBefore,
          events.events.size(),
          status.summary().workloads(),
          status.summary().images(),
          status.summary().violations(),
          status.summary().unresolved(),
          status.violations().size());
    }
    pool.shutdownNow();
  }

  /** Five Pods per Deployment, ten Deployments per namespace by default, images round-robin. */
  static TestingCluster syntheticCluster(int pods, int namespaces, int images) {
    TestingCluster cluster = new TestingCluster();
    int podsPerNamespace = Math.max(1, pods / namespaces);
    int deployment = 0;
    for (int n = 0; n < namespaces; n++) {
      String ns = String.format(Locale.ROOT, "team-%03d", n);
      for (int p = 0; p < podsPerNamespace; p += 5, deployment++) {
        String name = "app-" + deployment;
        String rs = name + "-7d9f8c6b5";
        cluster.add(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(rs)
                .withNamespace(ns)
                .withOwnerReferences(owner("apps/v1", "Deployment", name))
                .endMetadata()
                .build());
        for (int k = 0; k < 5 && p + k < podsPerNamespace; k++) {
          cluster.add(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(rs + "-" + k)
                  .withNamespace(ns)
                  .withLabels(java.util.Map.of("app", name))
                  .withOwnerReferences(owner("apps/v1", "ReplicaSet", rs))
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("app")
                  .withImage(image(deployment % images))
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .withPhase("Running")
                  .endStatus()
                  .build());
        }
      }
    }
    return cluster;
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference owner(
      String apiVersion, String kind, String name) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(name)
        .withUid(TestingFacts.digestOf(kind + name).substring(7, 43))
        .withController(true)
        .build();
  }

  private static String image(int i) {
    return String.format(Locale.ROOT, "registry.bench.local:5000/team/app-%04d:1.0", i);
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : heapPools()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .toList();
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
