package dev.tonnage.testing.registry;

import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.tls.CertificateAuthority;
import dev.tonnage.testing.tls.IssuedCertificate;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real container registry (Debian's {@code docker-registry}, CNCF distribution 2.8.2) on
 * 127.0.0.1 with its own configuration and filesystem storage in a temporary directory.
 *
 * <pre>{@code
 * try (RegistryServer registry = RegistryServer.start(RegistryMode.TOKEN)) {
 *   registry.baseUrl(); // https://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class RegistryServer implements ComponentLogs, AutoCloseable {

  public static final String BINARY = "docker-registry";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final int BCRYPT_COST =
      5; // the registry checks it on every request: keep it cheap

  private final RegistryMode mode;
  private final Path executable;
  private final ScratchDirectory scratch;
  private final int port;
  private final int debugPort;
  private final Path configFile;
  private final CertificateAuthority ca;
  private final Path caCertificateFile;
  private final Path certificateDirectory;
  private final String username;
  private final String password;
  private final TokenServer tokenServer;
  private final OkHttpClient probeClient;
  private volatile ManagedProcess process;
  private volatile String logsAtClose;

  private RegistryServer(Builder builder, Path executable, ScratchDirectory scratch) {
    this.mode = builder.mode;
    this.executable = executable;
    this.scratch = scratch;
    int[] ports = FreePorts.pick(2);
    this.port = ports[0];
    this.debugPort = ports[1];
    this.username = mode.requiresCredentials() ? builder.username : null;
    this.password = mode.requiresCredentials() ? randomSecret() : null;

    IssuedCertificate serverCertificate = null;
    if (mode.usesTls()) {
      ca = CertificateAuthority.create("tonnage test registry CA");
      caCertificateFile = ca.writeCertificate(scratch.path().resolve("ca.pem"));
      certificateDirectory = scratch.directory("certs.d");
      ca.writeCertificate(certificateDirectory.resolve("ca.crt"));
      serverCertificate =
          ca.issueServerCertificate("127.0.0.1", List.of("localhost"), List.of("127.0.0.1"));
      serverCertificate.writePem(
          scratch.path().resolve("registry.crt"), scratch.path().resolve("registry.key"));
    } else {
      ca = null;
      caCertificateFile = null;
      certificateDirectory = null;
    }

    Path htpasswd = null;
    if (mode == RegistryMode.BASIC) {
      htpasswd = scratch.write("htpasswd", htpasswdLine(username, password));
    }

    this.probeClient = probeClient(ca);
    this.tokenServer =
        mode == RegistryMode.TOKEN ? startTokenServer(builder, serverCertificate) : null;
    try {
      RegistryConfig config =
          new RegistryConfig(
              port,
              debugPort,
              scratch.directory("storage"),
              mode.usesTls() ? scratch.path().resolve("registry.crt") : null,
              mode.usesTls() ? scratch.path().resolve("registry.key") : null,
              htpasswd,
              tokenServer == null
                  ? null
                  : new RegistryConfig.TokenAuth(
                      tokenServer.realm(),
                      tokenServer.service(),
                      tokenServer.issuer(),
                      caCertificateFile));
      this.configFile = scratch.write("config.yml", config.toYaml(randomSecret()));
    } catch (RuntimeException e) {
      if (tokenServer != null) {
        tokenServer.close(); // nothing else would stop it: the constructor did not complete
      }
      throw e;
    }
  }

  private TokenServer startTokenServer(Builder builder, IssuedCertificate tlsCertificate) {
    // The registry trusts tokens whose x5c certificate chains up to its rootcertbundle: our CA.
    IssuedCertificate signing = ca.issueSigningCertificate("tonnage test token signer", rsaKeys());
    return TokenServer.start(
        new TokenServer.Settings(
            "tonnage-test-registry",
            "tonnage-test-token-issuer",
            username,
            password,
            builder.tokenLifetime,
            tlsCertificate,
            signing));
  }

  /** Starts a registry in {@code mode} and waits until {@code /v2/} answers. */
  public static RegistryServer start(RegistryMode mode) {
    return builder(mode).start();
  }

  public static Builder builder(RegistryMode mode) {
    return new Builder(mode);
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image references. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}. */
  public String baseUrl() {
    return (mode.usesTls() ? "https://" : "http://") + hostPort();
  }

  public RegistryMode mode() {
    return mode;
  }

  /** The PEM file of the CA that signed the registry's certificate; null for PLAIN. */
  public Path caCertificateFile() {
    return caCertificateFile;
  }

  /** The CA that signed the registry's (and token server's) certificate; null for PLAIN. */
  public X509Certificate caCertificate() {
    return ca == null ? null : ca.certificate();
  }

  /**
   * A directory holding only {@code ca.crt}, the form of skopeo's {@code --cert-dir} and Docker's
   * {@code certs.d/HOST/}; null for PLAIN.
   */
  public Path certificateDirectory() {
    return certificateDirectory;
  }

  /** The user allowed everything; null for PLAIN and TLS. */
  public String username() {
    return username;
  }

  /** That user's password (random per run); null for PLAIN and TLS. */
  public String password() {
    return password;
  }

  /** The token server of TOKEN mode (request counts, realm); null otherwise. */
  public TokenServer tokenServer() {
    return tokenServer;
  }

  /** The registry's Prometheus endpoint on its debug port (always plain HTTP). */
  public String metricsUrl() {
    return "http://" + debugHostPort() + "/metrics";
  }

  /** {@code 127.0.0.1:PORT} of the debug server, a Prometheus scrape target. */
  public String debugHostPort() {
    return "127.0.0.1:" + debugPort;
  }

  /** The filesystem storage root; kept across {@link #stop()} and {@link #restart()}. */
  public Path storageDirectory() {
    return scratch.path().resolve("storage");
  }

  public boolean isRunning() {
    ManagedProcess current = process;
    return current != null && current.isAlive();
  }

  @Override
  public String componentName() {
    return "registry " + mode + " " + hostPort();
  }

  /** The registry's log (all runs), followed by the token server's requests in TOKEN mode. */
  @Override
  public String logs() {
    String closed = logsAtClose;
    if (closed != null) {
      return closed;
    }
    String registryLog;
    try {
      Path logFile = scratch.path().resolve("registry.log");
      ManagedProcess current = process;
      registryLog =
          Files.exists(logFile)
              ? Files.readString(logFile, StandardCharsets.UTF_8)
              : current == null ? "" : current.logs();
    } catch (IOException e) {
      registryLog = "(cannot read the registry log: " + e + ")";
    }
    return tokenServer == null
        ? registryLog
        : registryLog + "\n--- token server requests ---\n" + tokenServer.logs();
  }

  /** Stops the registry process, keeping its storage: the registry is down until restart. */
  public void stop() {
    ManagedProcess current = process;
    process = null;
    if (current != null) {
      current.close();
    }
  }

  /** Stops (if running) and starts the registry again on the same port with the same storage. */
  public void restart() {
    stop();
    launch();
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      logsAtClose = logs(); // the log file goes with the scratch directory
      if (tokenServer != null) {
        tokenServer.close();
      }
      probeClient.dispatcher().executorService().shutdown();
      probeClient.connectionPool().evictAll();
      scratch.close();
    }
  }

  private void launch() {
    ManagedProcess started =
        ManagedProcess.builder(componentName(), executable)
            .args("serve", configFile.toString())
            .workingDirectory(scratch.path())
            .logFile(scratch.path().resolve("registry.log"))
            .stopGracePeriod(Duration.ofSeconds(2))
            .start();
    process = started;
    started.awaitReady(READY_TIMEOUT, this::answersV2);
  }

  private boolean answersV2() throws IOException {
    Request request = new Request.Builder().url(baseUrl() + "/v2/").build();
    try (Response response = probeClient.newCall(request).execute()) {
      return response.code() == 200 || response.code() == 401;
    }
  }

  private static OkHttpClient probeClient(CertificateAuthority ca) {
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .connectTimeout(1, TimeUnit.SECONDS)
            .readTimeout(2, TimeUnit.SECONDS)
            .retryOnConnectionFailure(false);
    if (ca != null) {
      X509TrustManager trust = ca.trustManager();
      builder.sslSocketFactory(TrustedCertificates.sslContext(trust).getSocketFactory(), trust);
    }
    return builder.build();
  }

  private static String htpasswdLine(String user, String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    // The registry accepts bcrypt only, as "htpasswd -B" writes it.
    return user
        + ":"
        + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, BCRYPT_COST)
        + "\n";
  }

  private static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK cannot generate RSA keys", e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Options beyond the mode. */
  public static final class Builder {
    private final RegistryMode mode;
    private String username = "tonnage";
    private Duration tokenLifetime = Duration.ofMinutes(5);

    private Builder(RegistryMode mode) {
      this.mode = mode;
    }

    /** The user of BASIC and TOKEN modes (default {@code tonnage}); the password is random. */
    public Builder username(String name) {
      this.username = name;
      return this;
    }

    /** {@code expires_in} of TOKEN mode's tokens (default 5 minutes). */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = lifetime;
      return this;
    }

    public RegistryServer start() {
      Path executable = Binaries.fromEnvironment().require(BINARY);
      ScratchDirectory scratch = ScratchDirectory.create("registry-" + mode.name().toLowerCase());
      RegistryServer server = null;
      try {
        server = new RegistryServer(this, executable, scratch);
        server.launch();
        return server;
      } catch (RuntimeException e) {
        if (server != null) {
          // Keep the log in the exception: close() deletes the scratch directory.
          String logs = server.logs();
          server.close();
          e.addSuppressed(new IllegalStateException("registry log:\n" + logs));
        } else {
          scratch.close();
        }
        throw e;
      }
    }
  }
}
