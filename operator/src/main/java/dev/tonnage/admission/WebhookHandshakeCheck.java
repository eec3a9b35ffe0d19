package dev.tonnage.admission;

import dev.tonnage.metrics.ReadinessCheck;
import dev.tonnage.tls.ServingCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Readiness {@value #NAME}: the webhook port completes a real TLS handshake serving the loaded
 * certificate, as the API server's call would. A success is kept for {@link #CACHE_FOR} so that
 * probes do not dial the port each time; a failure is re-checked on the next probe (a refused
 * connection costs nothing). A probe waits at most {@link #HANDSHAKE_TIMEOUT}.
 */
final class WebhookHandshakeCheck implements ReadinessCheck {

  static final String NAME = "webhook";

  /** 2 s: readiness follows the port within one kubelet probe period (10 s by default). */
  static final Duration CACHE_FOR = Duration.ofSeconds(2);

  /** 1 s: a loopback handshake takes milliseconds; longer means the port does not serve. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

  private final String host;
  private final IntSupplier port;
  private final ServingCertificate certificate;
  private long succeededAt;
  private boolean succeeded;

  WebhookHandshakeCheck(String host, IntSupplier port, ServingCertificate certificate) {
    this.host = host;
    this.port = port;
    this.certificate = certificate;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized boolean ready() {
    long now = System.nanoTime();
    if (succeeded && now - succeededAt <= CACHE_FOR.toNanos()) {
      return true;
    }
    succeeded = handshake();
    succeededAt = now;
    return succeeded;
  }

  private boolean handshake() {
    int target = port.getAsInt();
    if (target <= 0 || certificate.current() == null) {
      return false;
    }
    X509Certificate expected = certificate.current().leaf();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ServedLeaf(expected)}, null);
      int timeout = (int) HANDSHAKE_TIMEOUT.toMillis();
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(host, target), timeout);
        plain.setSoTimeout(timeout);
        try (SSLSocket tls =
            (SSLSocket) context.getSocketFactory().createSocket(plain, host, target, false)) {
          tls.startHandshake();
          return true;
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }

  /** Trusts exactly the certificate the webhook should be serving. */
  private record ServedLeaf(X509Certificate expected) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain.length == 0 || !chain[0].equals(expected)) {
        throw new CertificateException("the webhook serves another certificate");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
