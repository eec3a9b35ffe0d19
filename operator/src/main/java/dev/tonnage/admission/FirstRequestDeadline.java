package dev.tonnage.admission;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not completed its TLS handshake and its first request head within
 * the deadline: the idle timeout alone lets a client that sends one byte every few seconds keep a
 * connection forever. Entries live only as long as their connection (at most the connection limit).
 */
final class FirstRequestDeadline implements Connection.Listener {

  private final Scheduler scheduler;
  private final Duration timeout;
  private final Map<EndPoint, Scheduler.Task> pending = new ConcurrentHashMap<>();

  FirstRequestDeadline(Scheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof SslConnection tls) {
      EndPoint decrypted = tls.getSslEndPoint();
      pending.put(
          decrypted,
          scheduler.schedule(() -> expire(tls), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof SslConnection tls) {
      Scheduler.Task task = pending.remove(tls.getSslEndPoint());
      if (task != null) {
        task.cancel();
      }
    }
  }

  /** A request head arrived on the request's connection: its deadline no longer applies. */
  void served(Request request) {
    Connection connection = request.getConnectionMetaData().getConnection();
    if (connection == null) {
      return;
    }
    Scheduler.Task task = pending.remove(connection.getEndPoint());
    if (task != null) {
      task.cancel();
    }
  }

  private void expire(SslConnection tls) {
    if (pending.remove(tls.getSslEndPoint()) != null) {
      tls.getEndPoint().close();
    }
  }
}
