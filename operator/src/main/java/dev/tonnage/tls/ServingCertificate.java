package dev.tonnage.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's serving certificate, read from PEM files and swapped into a running Jetty {@link
 * SslContextFactory.Server} when the files change (cert-manager or a Secret volume rotating them).
 * Change is detected by polling a hash of both files' content, which also catches the atomic
 * symlink swap Kubernetes uses for Secret volumes; existing connections keep their session and new
 * handshakes get the new certificate, so no request is dropped. A pair that does not parse or does
 * not match is logged and skipped: the last good pair keeps serving.
 */
public final class ServingCertificate implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingCertificate.class);

  private final Path certFile;
  private final Path keyFile;
  private final SslContextFactory.Server sslContextFactory = new SslContextFactory.Server();
  private final List<Consumer<PemKeyMaterial>> listeners = new CopyOnWriteArrayList<>();
  private volatile PemKeyMaterial current;
  private byte[] loadedHash;
  private byte[] rejectedHash;
  private ScheduledExecutorService poller;

  /** Loads the pair now; throws {@link TlsMaterialException} when it cannot be used. */
  public ServingCertificate(Path certFile, Path keyFile) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    sslContextFactory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // HTTP/2 forbids some TLS 1.2 ciphers: prefer the allowed ones so h2 clients negotiate.
    sslContextFactory.setCipherComparator(HTTP2Cipher.COMPARATOR);
    sslContextFactory.setKeyStorePassword("");
    byte[] hash = hashFiles();
    PemKeyMaterial material = PemKeyMaterial.read(certFile, keyFile);
    sslContextFactory.setKeyStore(material.toKeyStore());
    current = material;
    loadedHash = hash;
  }

  public SslContextFactory.Server sslContextFactory() {
    return sslContextFactory;
  }

  /** The pair being served. */
  public PemKeyMaterial current() {
    return current;
  }

  /** Called with the new pair after each successful reload, on the polling thread. */
  public void onReload(Consumer<PemKeyMaterial> listener) {
    listeners.add(listener);
  }

  /** Polls the files every {@code interval} on a daemon thread until {@link #close()}. */
  public synchronized void startPolling(Duration interval) {
    if (poller != null) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tonnage-tls-reload");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, interval.toMillis());
    poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Reloads when the files' content differs from what is served and the new pair is good.
   *
   * @return true when a new pair is now served
   */
  public synchronized boolean reloadIfChanged() {
    byte[] hash;
    try {
      hash = hashFiles();
    } catch (TlsMaterialException e) {
      LOG.warn(
          "TLS files not readable, still serving the previous certificate: {}", e.getMessage());
      return false;
    }
    if (Arrays.equals(hash, loadedHash) || Arrays.equals(hash, rejectedHash)) {
      return false;
    }
    PemKeyMaterial material;
    try {
      material = PemKeyMaterial.read(certFile, keyFile);
    } catch (TlsMaterialException e) {
      // Often a rotation caught half-written; the next poll sees the finished pair.
      rejectedHash = hash;
      LOG.warn(
          "new TLS files rejected, still serving the previous certificate: {}", e.getMessage());
      return false;
    }
    try {
      if (sslContextFactory.isStarted()) {
        sslContextFactory.reload(factory -> factory.setKeyStore(material.toKeyStore()));
      } else {
        sslContextFactory.setKeyStore(material.toKeyStore());
      }
    } catch (Exception e) {
      rejectedHash = hash;
      LOG.warn(
          "TLS context reload failed, still serving the previous certificate: {}", e.toString());
      return false;
    }
    current = material;
    loadedHash = hash;
    rejectedHash = null;
    LOG.info(
        "serving certificate reloaded: subject {}, valid until {}",
        material.leaf().getSubjectX500Principal().getName(),
        material.notAfter());
    for (Consumer<PemKeyMaterial> listener : listeners) {
      try {
        listener.accept(material);
      } catch (RuntimeException e) {
        LOG.warn("certificate reload listener failed: {}", e.toString());
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }

  private void pollQuietly() {
    try {
      reloadIfChanged();
    } catch (RuntimeException e) {
      LOG.warn("TLS reload check failed: {}", e.toString());
    }
  }

  private byte[] hashFiles() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(certFile));
      digest.update((byte) 0);
      digest.update(Files.readAllBytes(keyFile));
      return digest.digest();
    } catch (IOException e) {
      throw new TlsMaterialException(
          "cannot read " + certFile + " or " + keyFile + ": " + e.getClass().getSimpleName(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
