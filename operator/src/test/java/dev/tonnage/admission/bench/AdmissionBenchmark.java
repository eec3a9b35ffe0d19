package dev.tonnage.admission.bench;

import dev.tonnage.admission.AdmissionDecider;
import dev.tonnage.admission.AdmissionEndpoint;
import dev.tonnage.admission.AdmissionExemptions;
import dev.tonnage.admission.AdmissionMetrics;
import dev.tonnage.admission.AdmissionReviewer;
import dev.tonnage.admission.AdmissionServer;
import dev.tonnage.admission.AdmissionSettings;
import dev.tonnage.admission.EventRecorder;
import dev.tonnage.admission.FailurePolicy;
import dev.tonnage.admission.ReviewDecision;
import dev.tonnage.metrics.TonnageMetrics;
import dev.tonnage.tls.CertificateAuthority;
import dev.tonnage.tls.PemKeyMaterial;
import dev.tonnage.tls.ServingCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The admission benchmark of docs/benchmarks.md: the real webhook server (Jetty, TLS, codec,
 * reviewer) in this JVM, loaded over HTTPS keep-alive with the recorded Pod and Deployment reviews;
 * {@code /validate} against the {@code /allow-all} baseline on the same server.
 *
 * <pre>
 * java -cp ... dev.tonnage.admission.bench.AdmissionBenchmark [seconds] [connections]
 * </pre>
 */
public final class AdmissionBenchmark {

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration run = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    AdmissionDecider decider =
        subject ->
            CompletableFuture.completedFuture(
                new ReviewDecision(List.of(), List.of(), Map.of(), List.of()));
    try (Bench bench = Bench.start(decider)) {
      bench.report(run, connections);
    }
  }

  /** A server with the three endpoints and a client trusting it. */
  static final class Bench implements AutoCloseable {
    final AdmissionServer server;
    final ServingCertificate certificate;
    final LoadGenerator load;
    final Path dir;

    private Bench(
        AdmissionServer server, ServingCertificate certificate, SSLContext client, Path dir) {
      this.server = server;
      this.certificate = certificate;
      this.dir = dir;
      this.load = new LoadGenerator(client.getSocketFactory(), "127.0.0.1", server.port());
    }

    static Bench start(AdmissionDecider decider) throws Exception {
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
              new AdmissionSettings(Duration.ofSeconds(8), FailurePolicy.IGNORE, Clock.systemUTC()),
              decider,
              new AdmissionExemptions(Set.of("kube-system", "tonnage"), ns -> Map.of()),
              ns -> Map.of("env", "prod"),
              new AdmissionReviewer.Observers(
                  EventRecorder.NONE, new AdmissionMetrics(new TonnageMetrics(meters), meters)));
      AdmissionServer server =
          new AdmissionServer(
              new AdmissionServer.Options(
                  "127.0.0.1",
                  0,
                  Set.of(AdmissionEndpoint.values()),
                  AdmissionServer.DEFAULT_MAX_BODY_BYTES,
                  Duration.ofSeconds(5)),
              certificate,
              reviewer);
      server.start();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      return new Bench(server, certificate, client, dir);
    }

    List<byte[]> requests(AdmissionEndpoint endpoint) throws IOException {
      List<byte[]> requests = new ArrayList<>();
      for (String fixture : List.of("pod-create.json", "deployment-create.json")) {
        try (InputStream in =
            AdmissionBenchmark.class.getResourceAsStream("/admission/" + fixture)) {
          requests.add(
              KeepAliveConnection.request(
                  "127.0.0.1", server.port(), endpoint.path() + "?timeout=10s", in.readAllBytes()));
        }
      }
      return requests;
    }

    void report(Duration run, int connections) throws Exception {
      System.out.printf(
          Locale.ROOT,
          "JVM %s, %d processors; %s per measurement, %d connections for saturation%n",
          Runtime.version(),
          Runtime.getRuntime().availableProcessors(),
          run,
          connections);
      for (AdmissionEndpoint endpoint :
          List.of(AdmissionEndpoint.ALLOW_ALL, AdmissionEndpoint.VALIDATE)) {
        load.saturate(requests(endpoint), connections, run); // warm-up: JIT, TLS sessions
      }
      System.out.println(
          "| endpoint | load | throughput (req/s) | p50 | p99 | p99.9 | max | errors |");
      System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (AdmissionEndpoint endpoint :
          List.of(AdmissionEndpoint.ALLOW_ALL, AdmissionEndpoint.VALIDATE)) {
        List<byte[]> requests = requests(endpoint);
        print(endpoint, "saturation", load.saturate(requests, connections, run));
        for (int rate : List.of(200, 1000)) {
          print(endpoint, rate + " req/s", load.atRate(requests, rate, run, 32));
        }
      }
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
