package dev.tonnage.e2e.admission;

import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * {@code java -jar operator/target/tonnage.jar operator ...} as its own process, on loopback ports
 * picked at run time, registering its webhooks with the API server; ready once {@code /readyz}
 * answers 200 and the validating configuration exists.
 */
public final class OperatorProcess implements ComponentLogs, AutoCloseable {

  final int webhookPort;
  final int metricsPort;
  final ManagedProcess process;

  private OperatorProcess(int webhookPort, int metricsPort, ManagedProcess process) {
    this.webhookPort = webhookPort;
    this.metricsPort = metricsPort;
    this.process = process;
  }

  /** Starts the operator with the common flags plus {@code extraFlags}. */
  public static OperatorProcess start(
      Path repo, KubeApiServer kube, Path logFile, String... extraFlags) {
    int[] ports = FreePorts.pick(2);
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of("-jar", repo.resolve("operator/target/tonnage.jar").toString(), "operator"));
    args.addAll(List.of("--kubeconfig", kube.kubeconfig().toString(), "--namespace", "tonnage"));
    args.addAll(List.of("--webhook-address", "127.0.0.1", "--webhook-port", "" + ports[0]));
    args.addAll(List.of("--metrics-address", "127.0.0.1", "--metrics-port", "" + ports[1]));
    args.addAll(List.of("--register-webhooks", "https://127.0.0.1:" + ports[0]));
    args.addAll(List.of(extraFlags));
    ManagedProcess process =
        ManagedProcess.builder(
                "tonnage-operator", Path.of(System.getProperty("java.home"), "bin", "java"))
            .args(args)
            .logFile(logFile)
            .stopGracePeriod(Duration.ofSeconds(20))
            .start();
    OperatorProcess operator = new OperatorProcess(ports[0], ports[1], process);
    process.awaitReady(Duration.ofSeconds(90), () -> operator.readyz() == 200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kube.kubectl("get", "validatingwebhookconfiguration", "tonnage-validating")
                    .succeeded());
    return operator;
  }

  @Override
  public String componentName() {
    return process.componentName();
  }

  @Override
  public String logs() {
    return process.logs();
  }

  /** SIGTERM, then waits for the graceful stop (SIGKILL after 20 s). */
  @Override
  public void close() {
    process.close();
  }

  int readyz() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
