package dev.tonnage.testing.kube;

import dev.tonnage.testing.ComponentLogs;
import dev.tonnage.testing.process.Binaries;
import dev.tonnage.testing.process.Command;
import dev.tonnage.testing.process.FreePorts;
import dev.tonnage.testing.process.ManagedProcess;
import dev.tonnage.testing.process.ProcessResult;
import dev.tonnage.testing.process.ScratchDirectory;
import dev.tonnage.testing.tls.CertificateAuthority;
import dev.tonnage.testing.tls.IssuedCertificate;
import dev.tonnage.testing.tls.Pem;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A real Kubernetes control plane without nodes (envtest style): etcd plus kube-apiserver v1.20.2
 * on loopback ports, static-token users, RBAC. No controllers run: Deployments get no Pods and the
 * aggregated ClusterRoles stay empty, so tests bind explicit roles and create Pods directly.
 *
 * <pre>{@code
 * try (KubeApiServer kube = KubeApiServer.builder()
 *     .identity("operator", "system:serviceaccount:tonnage:operator", "system:serviceaccounts")
 *     .start()) {
 *   kube.kubectl("apply", "-f", crd.toString()).requireSuccess();
 * }
 * }</pre>
 */
public final class KubeApiServer implements ComponentLogs, AutoCloseable {

  public static final String ADMIN = "admin";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final ScratchDirectory scratch;
  private final Binaries binaries;
  private final Map<String, KubeIdentity> identities;
  private final CertificateAuthority ca;
  private final OkHttpClient http;
  private final int port;
  private EtcdServer etcd;
  private ManagedProcess apiServer;

  private KubeApiServer(Builder builder, ScratchDirectory scratch, Binaries binaries) {
    this.scratch = scratch;
    this.binaries = binaries;
    this.identities = new LinkedHashMap<>();
    identities.put(
        ADMIN, new KubeIdentity(ADMIN, "tonnage-admin", List.of("system:masters"), randomToken()));
    for (Builder.IdentityRequest request : builder.identities) {
      if (identities.containsKey(request.name())) {
        throw new IllegalArgumentException("identity " + request.name() + " declared twice");
      }
      identities.put(
          request.name(),
          new KubeIdentity(request.name(), request.user(), request.groups(), randomToken()));
    }
    this.ca = CertificateAuthority.create("tonnage test kube CA");
    X509TrustManager trust = ca.trustManager();
    this.http =
        new OkHttpClient.Builder()
            .sslSocketFactory(TrustedCertificates.sslContext(trust).getSocketFactory(), trust)
            .connectTimeout(1, TimeUnit.SECONDS)
            .readTimeout(5, TimeUnit.SECONDS)
            .retryOnConnectionFailure(false)
            .build();
    this.port = FreePorts.pick();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An API server with only the admin identity. */
  public static KubeApiServer start() {
    return builder().start();
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String url() {
    return "https://127.0.0.1:" + port;
  }

  /** The admin kubeconfig (token in group {@code system:masters}). */
  public Path kubeconfig() {
    return kubeconfigFor(ADMIN);
  }

  /** The kubeconfig of a declared identity. */
  public Path kubeconfigFor(String identityName) {
    identity(identityName);
    return scratch.path().resolve("kubeconfig-" + identityName + ".yaml");
  }

  /** The bearer token of a declared identity. */
  public String token(String identityName) {
    return identity(identityName).token();
  }

  public KubeIdentity identity(String identityName) {
    KubeIdentity identity = identities.get(identityName);
    if (identity == null) {
      throw new NoSuchElementException(
          "no identity \"" + identityName + "\"; declared: " + identities.keySet());
    }
    return identity;
  }

  /** The CA that signed the API server's serving certificate. */
  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  /** kubectl with the admin kubeconfig. */
  public ProcessResult kubectl(String... args) {
    return kubectlCommand(args).run();
  }

  /** kubectl with the admin kubeconfig and {@code stdin}, e.g. {@code apply -f -}. */
  public ProcessResult kubectlWithInput(String stdin, String... args) {
    return kubectlCommand(args).withInput(stdin).run();
  }

  /** {@code kubectl apply -f -} of {@code yaml} with the admin kubeconfig. */
  public ProcessResult apply(String yaml) {
    return kubectlWithInput(yaml, "apply", "-f", "-");
  }

  @Override
  public String componentName() {
    return "kube-apiserver " + url();
  }

  /** The API server's log followed by etcd's. */
  @Override
  public String logs() {
    StringBuilder logs = new StringBuilder();
    if (apiServer != null) {
      logs.append(apiServer.logs());
    }
    if (etcd != null) {
      logs.append("\n--- etcd ---\n").append(etcd.logs());
    }
    return logs.toString();
  }

  @Override
  public void close() {
    try {
      if (apiServer != null) {
        apiServer.close();
      }
    } finally {
      try {
        if (etcd != null) {
          etcd.close();
        }
      } finally {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        scratch.close();
      }
    }
  }

  private Command kubectlCommand(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("--kubeconfig=" + kubeconfig());
    argv.add("--cache-dir=" + scratch.path().resolve("kubectl-cache"));
    argv.addAll(List.of(args));
    return Command.of(binaries.require("kubectl"), argv).withTimeout(Duration.ofMinutes(1));
  }

  private void launch(Map<String, String> extraFlags) {
    Path apiserverBinary = binaries.require("kube-apiserver");
    etcd = EtcdServer.start(binaries, scratch.directory("etcd"), http);

    Path certs = scratch.directory("certs");
    IssuedCertificate serving =
        ca.issueServerCertificate(
            "kube-apiserver",
            List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"),
            List.of("127.0.0.1", "10.0.0.1"));
    serving.writePem(certs.resolve("apiserver.crt"), certs.resolve("apiserver.key"));
    KeyPair serviceAccountKeys = ecKeys();
    Path saPublic = scratch.write("sa.pub", Pem.publicKey(serviceAccountKeys.getPublic()));
    Path saPrivate = scratch.write("sa.key", Pem.privateKey(serviceAccountKeys.getPrivate()));
    Path tokens =
        scratch.write(
            "tokens.csv",
            identities.values().stream()
                .map(KubeIdentity::tokenFileLine)
                .collect(Collectors.joining("\n", "", "\n")));
    for (KubeIdentity identity : identities.values()) {
      scratch.write(
          "kubeconfig-" + identity.name() + ".yaml",
          Kubeconfig.yaml(url(), ca.certificatePem(), identity));
    }

    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("etcd-servers", etcd.clientUrl());
    flags.put("bind-address", "127.0.0.1");
    flags.put("advertise-address", "127.0.0.1");
    flags.put("secure-port", Integer.toString(port));
    flags.put("insecure-port", "0");
    flags.put("cert-dir", certs.toString());
    flags.put("tls-cert-file", certs.resolve("apiserver.crt").toString());
    flags.put("tls-private-key-file", certs.resolve("apiserver.key").toString());
    flags.put("token-auth-file", tokens.toString());
    flags.put("authorization-mode", "RBAC");
    flags.put("service-account-issuer", "https://kubernetes.default.svc.cluster.local");
    flags.put("service-account-key-file", saPublic.toString());
    flags.put("service-account-signing-key-file", saPrivate.toString());
    flags.put("service-cluster-ip-range", "10.0.0.0/24");
    flags.put("allow-privileged", "true");
    // No controller-manager creates the "default" ServiceAccount, which this plugin demands of
    // Pods.
    flags.put("disable-admission-plugins", "ServiceAccount");
    flags.putAll(extraFlags);

    apiServer =
        ManagedProcess.builder(componentName(), apiserverBinary)
            .args(
                flags.entrySet().stream().map(f -> "--" + f.getKey() + "=" + f.getValue()).toList())
            .workingDirectory(scratch.path())
            .logFile(scratch.path().resolve("kube-apiserver.log"))
            .stopGracePeriod(Duration.ofSeconds(3))
            .start();
    apiServer.awaitReady(READY_TIMEOUT, this::isReady);
  }

  /** /readyz answers ok and the bootstrap controller has created the default namespace. */
  private boolean isReady() throws IOException {
    return get("/readyz") == 200 && get("/api/v1/namespaces/default") == 200;
  }

  private int get(String path) throws IOException {
    Request request =
        new Request.Builder()
            .url(url() + path)
            .header("Authorization", "Bearer " + token(ADMIN))
            .build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate EC keys", e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Declares identities and extra API server flags. */
  public static final class Builder {

    record IdentityRequest(String name, String user, List<String> groups) {}

    private final List<IdentityRequest> identities = new ArrayList<>();
    private final Map<String, String> flags = new LinkedHashMap<>();

    private Builder() {}

    /**
     * A token user; its kubeconfig is {@link #kubeconfigFor(String) kubeconfigFor(name)}.
     *
     * @param name the handle, e.g. {@code operator}
     * @param user the Kubernetes user name
     * @param groups its groups ({@code system:authenticated} is added by the API server)
     */
    public Builder identity(String name, String user, String... groups) {
      identities.add(new IdentityRequest(name, user, List.of(groups)));
      return this;
    }

    /**
     * Sets an API server flag (name without dashes), replacing the default, e.g. {@code
     * apiServerFlag("disable-admission-plugins", "")}.
     */
    public Builder apiServerFlag(String name, String value) {
      flags.put(name, value);
      return this;
    }

    /** Starts etcd and the API server; returns once {@code /readyz} is ok (5-9 s). */
    public KubeApiServer start() {
      Binaries binaries = Binaries.fromEnvironment();
      binaries.require("kube-apiserver");
      binaries.require("etcd");
      ScratchDirectory scratch = ScratchDirectory.create("kube");
      KubeApiServer server = null;
      try {
        server = new KubeApiServer(this, scratch, binaries);
        server.launch(flags);
        return server;
      } catch (RuntimeException e) {
        if (server != null) {
          String logs = server.logs();
          server.close();
          e.addSuppressed(new IllegalStateException("control plane logs:\n" + logs));
        } else {
          scratch.close();
        }
        throw e;
      }
    }
  }
}
