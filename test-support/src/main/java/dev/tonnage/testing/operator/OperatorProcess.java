package dev.tonnage.testing.operator;

import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.kube.KubeApiServer;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar operator/target/tonnage.jar operator ...} as its own process, on loopback ports
 * picked at run time, registering its webhooks with the API server; ready once {@code /readyz}
 * answers 200 and the validating configuration exists.
 */
public final class OperatorProcess implements ComponentLogs, AutoCloseable {

  /** How long start-up may take on a loaded 2-core machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final int webhookPort;
  private final int metricsPort;
  private final ManagedProcess process;

  private OperatorProcess(int webhookPort, int metricsPort, ManagedProcess process) {
    this.webhookPort = webhookPort;
    this.metricsPort = metricsPort;
    this.process = process;
  }

  /** Starts the operator with the common flags plus {@code extraFlags} and waits until ready. */
  public static OperatorProcess start(
      Path repo, KubeApiServer kube, Path logFile, String... extraFlags) {
    return builder(repo, kube).logFile(logFile).flags(extraFlags).start();
  }

  /** A launch of the jar built in {@code repo} against {@code kube}. */
  public static Builder builder(Path repo, KubeApiServer kube) {
    return new Builder(repo, kube);
  }

  @Override
  public String componentName() {
    return process.componentName();
  }

  @Override
  public String logs() {
    return process.logs();
  }

  /** SIGTERM, then waits for the graceful stop (SIGKILL after the grace period). */
  @Override
  public void close() {
    process.close();
  }

  public int webhookPort() {
    return webhookPort;
  }

  public int metricsPort() {
    return metricsPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code http://127.0.0.1:PORT} of /metrics, /healthz and /readyz. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + metricsPort;
  }

  /** The status /readyz answers now; throws when it cannot be reached. */
  public int readyz() throws IOException, InterruptedException {
    return readyz(Duration.ofSeconds(5));
  }

  /** The status /readyz answers within {@code timeout}; throws when it cannot be reached. */
  public int readyz(Duration timeout) throws IOException, InterruptedException {
    return HttpClient.newBuilder()
        .connectTimeout(timeout)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(metricsUrl() + "/readyz")).timeout(timeout).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The /metrics text now. */
  public String scrape() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(metricsUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Options of one launch. */
  public static final class Builder {
    private final Path repo;
    private final KubeApiServer kube;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private Path logFile;
    private boolean registerWebhooks = true;
    private boolean awaitReady = true;
    private Duration stopGracePeriod = Duration.ofSeconds(20);

    private Builder(Path repo, KubeApiServer kube) {
      this.repo = repo;
      this.kube = kube;
    }

    /** Where the process's output goes (required). */
    public Builder logFile(Path file) {
      this.logFile = file;
      return this;
    }

    /** JVM options before {@code -jar}, e.g. {@code -Xmx384m}. */
    public Builder jvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /** Operator flags after the common ones. */
    public Builder flags(String... extra) {
      flags.addAll(List.of(extra));
      return this;
    }

    /** Whether the operator registers its webhook configurations (default true). */
    public Builder registerWebhooks(boolean register) {
      this.registerWebhooks = register;
      return this;
    }

    /** Whether {@link #start()} waits for /readyz and the webhook registration (default true). */
    public Builder awaitReady(boolean await) {
      this.awaitReady = await;
      return this;
    }

    public Builder stopGracePeriod(Duration period) {
      this.stopGracePeriod = period;
      return this;
    }

    public OperatorProcess start() {
      int[] ports = FreePorts.pick(2);
      List<String> args = new ArrayList<>(jvmOptions);
      args.addAll(
          List.of("-jar", repo.resolve("operator/target/tonnage.jar").toString(), "operator"));
      args.addAll(List.of("--kubeconfig", kube.kubeconfig().toString(), "--namespace", "tonnage"));
      args.addAll(List.of("--webhook-address", "127.0.0.1", "--webhook-port", "" + ports[0]));
      args.addAll(List.of("--metrics-address", "127.0.0.1", "--metrics-port", "" + ports[1]));
      if (registerWebhooks) {
        args.addAll(List.of("--register-webhooks", "https://127.0.0.1:" + ports[0]));
      }
      args.addAll(flags);
      ManagedProcess.Builder process =
          ManagedProcess.builder(
                  "tonnage-operator", Path.of(System.getProperty("java.home"), "bin", "java"))
              .args(args)
              .stopGracePeriod(stopGracePeriod);
      process.logFile(logFile);
      OperatorProcess operator = new OperatorProcess(ports[0], ports[1], process.start());
      if (awaitReady) {
        operator.process.awaitReady(START_TIMEOUT, () -> operator.readyz() == 200);
        if (registerWebhooks) {
          operator.process.awaitReady(
              START_TIMEOUT,
              () ->
                  kube.kubectl("get", "validatingwebhookconfiguration", "tonnage-validating")
                      .succeeded());
        }
      }
      return operator;
    }
  }
}
