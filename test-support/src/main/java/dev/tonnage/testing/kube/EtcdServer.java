package dev.tonnage.testing.kube;

import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** A single-member etcd on loopback ports for one API server; data lives in its directory. */
final class EtcdServer implements ComponentLogs, AutoCloseable {

  private final ManagedProcess process;
  private final int clientPort;

  private EtcdServer(ManagedProcess process, int clientPort) {
    this.process = process;
    this.clientPort = clientPort;
  }

  static EtcdServer start(Binaries binaries, Path directory, OkHttpClient http) {
    int[] ports = FreePorts.pick(2);
    String client = "http://127.0.0.1:" + ports[0];
    String peer = "http://127.0.0.1:" + ports[1];
    ManagedProcess process =
        ManagedProcess.builder("etcd " + client, binaries.require("etcd"))
            .args(
                "--name=tonnage-test",
                "--data-dir=" + directory.resolve("data"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=tonnage-test=" + peer,
                "--unsafe-no-fsync",
                "--logger=zap",
                "--log-outputs=stderr")
            .workingDirectory(directory)
            .logFile(directory.resolve("etcd.log"))
            .stopGracePeriod(Duration.ofSeconds(2))
            .start();
    EtcdServer etcd = new EtcdServer(process, ports[0]);
    try {
      process.awaitReady(Duration.ofSeconds(30), () -> etcd.isHealthy(http));
      return etcd;
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  String clientUrl() {
    return "http://127.0.0.1:" + clientPort;
  }

  private boolean isHealthy(OkHttpClient http) throws Exception {
    Request request = new Request.Builder().url(clientUrl() + "/health").build();
    try (Response response = http.newCall(request).execute()) {
      return response.code() == 200 && response.body().string().contains("\"true\"");
    }
  }

  @Override
  public String componentName() {
    return process.componentName();
  }

  @Override
  public String logs() {
    return process.logs();
  }

  @Override
  public void close() {
    process.close();
  }
}
