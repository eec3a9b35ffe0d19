package dev.tonnage.admission.bench;

import dev.tonnage.admission.AdmissionDecider;
import dev.tonnage.admission.AdmissionEndpoint;
import dev.tonnage.admission.AdmissionExemptions;
import dev.tonnage.admission.AdmissionMetrics;
import dev.tonnage.admission.AdmissionReviewer;
import dev.tonnage.admission.AdmissionServer;
import dev.tonnage.admission.AdmissionSettings;
import dev.tonnage.admission.FailurePolicy;
import dev.tonnage.events.EventWriter;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.testing.tls.TrustedCertificates;
import dev.tonnage.tls.CertificateAuthority;
import dev.tonnage.tls.PemKeyMaterial;
import dev.tonnage.tls.ServingCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * The admission benchmark of docs/benchmarks.md: the real webhook (Jetty, TLS, codec, reviewer,
 * policy evaluator, registry client with a warm cache, against a local registry) in this JVM,
 * loaded over HTTPS keep-alive with the recorded Pod and Deployment reviews; {@code /validate}
 * against the {@code /allow-all} baseline on the same server. Then the cold case: many new images
 * at once.
 *
 * <pre>
 * java -cp ... dev.tonnage.admission.bench.AdmissionBenchmark [seconds] [connections] [rounds]
 * </pre>
 */
public final class AdmissionBenchmark {

  static final Duration BUDGET = Duration.ofSeconds(8);

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration run = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    AtomicLong decisions = new AtomicLong();
    try (BenchmarkRegistry registry = BenchmarkRegistry.start()) {
      AdmissionDecider real = registry.decider();
      AdmissionDecider counted =
          subject -> {
            decisions.incrementAndGet();
            return real.decide(subject);
          };
      try (Bench bench = Bench.start(counted, registry::review)) {
        bench.report(run, connections, rounds);
        System.out.printf(
            Locale.ROOT, "decisions made by the policy evaluator: %d%n", decisions.get());
        ColdReviews.Result cold = ColdReviews.run(registry, bench, 50, 4);
        System.out.printf(
            Locale.ROOT,
            "%ncold: %d new images, %d reviews at once (%d per image): %d registry requests"
                + " (%d for one new image alone), %d allowed, slowest answer %s, budget %s%n",
            cold.images(),
            cold.reviews(),
            cold.reviews() / cold.images(),
            cold.registryRequests(),
            cold.requestsForOneImage(),
            cold.allowed(),
            Bench.ms(cold.slowest()),
            BUDGET);
      }
    }
  }

  /** A server with the three endpoints and a client trusting it. */
  static final class Bench implements AutoCloseable {
    final AdmissionServer server;
    final ServingCertificate certificate;
    final SSLContext client;
    final LoadGenerator load;
    final UnaryOperator<String> fixtures;
    final Path dir;

    private Bench(
        AdmissionServer server,
        ServingCertificate certificate,
        SSLContext client,
        UnaryOperator<String> fixtures,
        Path dir) {
      this.server = server;
      this.certificate = certificate;
      this.client = client;
      this.fixtures = fixtures;
      this.dir = dir;
      this.load = new LoadGenerator(client.getSocketFactory(), "127.0.0.1", server.port());
    }

    /**
     * @param fixtures the body of a recorded review by file name
     */
    static Bench start(AdmissionDecider decider, UnaryOperator<String> fixtures) throws Exception {
      CertificateAuthority ca =
          CertificateAuthority.generate("bench-ca", Duration.ofDays(1), Instant.now());
      PemKeyMaterial pair =
          ca.issueServingCertificate(
              "127.0.0.1",
              List.of("localhost"),
              List.of("127.0.0.1"),
              Duration.ofDays(1),
              Instant.now());
      Path dir = Files.createTempDirectory("tonnage-bench");
      pair.writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
      ServingCertificate certificate =
          new ServingCertificate(dir.resolve("tls.crt"), dir.resolve("tls.key"));
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      AdmissionReviewer reviewer =
          new AdmissionReviewer(
              new AdmissionSettings(BUDGET, FailurePolicy.IGNORE, Clock.systemUTC()),
              decider,
              new AdmissionExemptions(Set.of("kube-system", "tonnage"), ns -> Map.of()),
              ns -> Map.of("env", "prod"),
              new AdmissionReviewer.Observers(
                  EventWriter.NONE, new AdmissionMetrics(new TonnageMetrics(meters))));
      AdmissionServer server =
          new AdmissionServer(
              new AdmissionServer.Options(
                  "127.0.0.1",
                  0,
                  Set.of(AdmissionEndpoint.values()),
                  dev.tonnage.admission.WebhookLimits.DEFAULTS,
                  Duration.ofSeconds(5)),
              certificate,
              reviewer);
      server.start();
      SSLContext client =
          TrustedCertificates.sslContext(TrustedCertificates.trustManager(ca.certificate()));
      return new Bench(server, certificate, client, fixtures, dir);
    }

    /** The recorded Pod and Deployment reviews, as complete requests to {@code endpoint}. */
    List<byte[]> requests(AdmissionEndpoint endpoint) {
      List<byte[]> requests = new ArrayList<>();
      for (String fixture : List.of("pod-create.json", "deployment-create.json")) {
        requests.add(
            KeepAliveConnection.request(
                "127.0.0.1",
                server.port(),
                endpoint.path() + "?timeout=10s",
                fixtures.apply(fixture).getBytes(StandardCharsets.UTF_8)));
      }
      return requests;
    }

    /**
     * Each load (saturation, 200/s, 1000/s) is measured on both endpoints back to back, in {@code
     * rounds} rounds, so that JIT and machine noise hit both alike; the table shows the median
     * round, the ratio compares medians.
     */
    void report(Duration run, int connections, int rounds) throws Exception {
      System.out.printf(
          Locale.ROOT,
          "JVM %s, %d processors, load average %.1f; %s per measurement, %d rounds, %d connections"
              + " for saturation, 32 for fixed rates%n",
          Runtime.version(),
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          run,
          rounds,
          connections);
      List<AdmissionEndpoint> endpoints =
          List.of(AdmissionEndpoint.ALLOW_ALL, AdmissionEndpoint.VALIDATE);
      for (AdmissionEndpoint endpoint : endpoints) {
        // Warm-up: JIT, TLS sessions, and the facts cache for /validate.
        load.saturate(requests(endpoint), connections, run);
      }
      System.out.println(
          "| endpoint | load | throughput (req/s) | p50 | p99 | p99.9 | max | errors |");
      System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      List<String> ratios = new ArrayList<>();
      for (int rate : List.of(0, 200, 1000)) {
        Map<AdmissionEndpoint, List<LoadGenerator.Result>> results =
            new EnumMap<>(AdmissionEndpoint.class);
        for (int round = 0; round < rounds; round++) {
          for (AdmissionEndpoint endpoint : endpoints) {
            List<byte[]> requests = requests(endpoint);
            LoadGenerator.Result result =
                rate == 0
                    ? load.saturate(requests, connections, run)
                    : load.atRate(requests, rate, run, 32);
            results.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(result);
          }
        }
        String what = rate == 0 ? "saturation" : rate + " req/s";
        for (AdmissionEndpoint endpoint : endpoints) {
          print(endpoint, what, median(results.get(endpoint), rate == 0));
        }
        LoadGenerator.Result base = median(results.get(AdmissionEndpoint.ALLOW_ALL), rate == 0);
        LoadGenerator.Result real = median(results.get(AdmissionEndpoint.VALIDATE), rate == 0);
        ratios.add(
            rate == 0
                ? String.format(
                    Locale.ROOT,
                    "saturation throughput /allow-all ÷ /validate: %.2f",
                    base.throughput() / real.throughput())
                : String.format(
                    Locale.ROOT,
                    "%s p99 /validate ÷ /allow-all: %.2f",
                    what,
                    (double) real.percentile(99).toNanos() / base.percentile(99).toNanos()));
      }
      ratios.forEach(System.out::println);
    }

    /** The median run: by throughput at saturation, by p99 at a fixed rate. */
    private static LoadGenerator.Result median(
        List<LoadGenerator.Result> runs, boolean byThroughput) {
      List<LoadGenerator.Result> sorted = new ArrayList<>(runs);
      sorted.sort(
          byThroughput
              ? java.util.Comparator.comparingDouble(LoadGenerator.Result::throughput)
              : java.util.Comparator.comparing((LoadGenerator.Result r) -> r.percentile(99)));
      return sorted.get(sorted.size() / 2);
    }

    static void print(AdmissionEndpoint endpoint, String what, LoadGenerator.Result r) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.0f | %s | %s | %s | %s | %d |%n",
          endpoint.path(),
          what,
          r.throughput(),
          ms(r.percentile(50)),
          ms(r.percentile(99)),
          ms(r.percentile(99.9)),
          ms(r.percentile(100)),
          r.errors());
    }

    static String ms(Duration d) {
      return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }

    @Override
    public void close() throws IOException {
      server.stop();
      certificate.close();
      for (String f : List.of("tls.crt", "tls.key")) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.deleteIfExists(dir);
    }
  }
}
