package dev.tonnage.e2e.abuse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Slowloris: TLS connections to the webhook port that each declare a large JSON body and then send
 * it one byte at a time, for as long as the server keeps them open.
 */
final class TricklingClients implements AutoCloseable {

  private final List<SSLSocket> sockets = new ArrayList<>();
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger closedByServer = new AtomicInteger();
  private int refused;

  private TricklingClients() {}

  /**
   * Opens {@code count} connections (those the server refuses are counted, not fatal), sends the
   * request head declaring {@code declaredBytes}, then one byte per connection every {@code
   * pauseMillis}.
   */
  static TricklingClients open(
      SSLContext tls, int port, int count, long declaredBytes, long pauseMillis) {
    TricklingClients clients = new TricklingClients();
    byte[] head =
        ("POST /validate?timeout=10s HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + declaredBytes
                + "\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < count; i++) {
      try {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        socket.getOutputStream().write(head);
        socket.getOutputStream().flush();
        clients.sockets.add(socket);
      } catch (IOException e) {
        clients.refused++;
      }
    }
    clients.trickler.scheduleWithFixedDelay(
        clients::trickle, pauseMillis, pauseMillis, TimeUnit.MILLISECONDS);
    return clients;
  }

  /** Connections the server refused or failed to complete a handshake on. */
  int refused() {
    return refused;
  }

  /** Connections the server has closed while we trickled. */
  int closedByServer() {
    return closedByServer.get();
  }

  int open() {
    return sockets.size();
  }

  private void trickle() {
    for (SSLSocket socket : sockets) {
      if (socket.isClosed()) {
        continue;
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write(' ');
        out.flush();
      } catch (IOException e) {
        closedByServer.incrementAndGet();
        try {
          socket.close();
        } catch (IOException ignored) {
          // already broken
        }
      }
    }
  }

  @Override
  public void close() {
    trickler.shutdownNow();
    for (SSLSocket socket : sockets) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
