package dev.tonnage.testing.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy written for tests on plain JDK sockets and threads: it tunnels ({@code CONNECT
 * host:port}) and forwards plain-HTTP requests (one per connection, a body by Content-Length only),
 * bounded: at most {@link #MAX_TUNNELS} tunnels at once (two threads each), request heads capped at
 * {@link #MAX_HEAD_BYTES}. It can require Basic proxy authentication, and records what a test needs
 * to check: the hosts it tunnelled to, the {@code Proxy-Authorization} headers it received, every
 * request head in clear, and the first {@link #MAX_CAPTURED_BYTES} the clients sent through its
 * tunnels (to show secrets only ever crossed it encrypted).
 *
 * <pre>{@code
 * try (ConnectProxy proxy = ConnectProxy.start()) {
 *   env.put("HTTPS_PROXY", proxy.url());
 *   ...
 *   assertThat(proxy.tunnelledTo()).containsExactly(registry.hostPort());
 * }
 * }</pre>
 */
public final class ConnectProxy implements AutoCloseable {

  /** Tunnels open at once; further connections are answered 503 and closed. */
  public static final int MAX_TUNNELS = 16;

  /** Longest request head read. */
  public static final int MAX_HEAD_BYTES = 16 * 1024;

  /** Longest request body forwarded for an http:// URL (a token request's form). */
  public static final int MAX_FORWARDED_BODY_BYTES = 64 * 1024;

  /** Bytes of tunnelled client traffic kept for inspection, over all tunnels. */
  public static final int MAX_CAPTURED_BYTES = 1024 * 1024;

  private final ServerSocket server;
  private final String basicCredentials;
  private final ExecutorService threads = Executors.newFixedThreadPool(2 * MAX_TUNNELS + 1);
  private final Semaphore tunnels = new Semaphore(MAX_TUNNELS);
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> tunnelledTo = new CopyOnWriteArrayList<>();
  private final List<String> forwardedTo = new CopyOnWriteArrayList<>();
  private final List<String> proxyAuthorizations = new CopyOnWriteArrayList<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private ConnectProxy(String username, String password) {
    this.basicCredentials =
        username == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on the loopback address", e);
    }
    threads.execute(this::acceptLoop);
  }

  /** A proxy that tunnels for anyone. */
  public static ConnectProxy start() {
    return new ConnectProxy(null, null);
  }

  /** A proxy that answers 407 unless a CONNECT carries these Basic credentials. */
  public static ConnectProxy requiringBasic(String username, String password) {
    return new ConnectProxy(username, password);
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT}, for {@code HTTPS_PROXY}. */
  public String url() {
    return "http://" + hostPort();
  }

  /** {@code http://USER:PASSWORD@127.0.0.1:PORT} (not encoded: give plain words). */
  public String url(String username, String password) {
    return "http://" + username + ":" + password + "@" + hostPort();
  }

  /** The {@code host:port} of each tunnel opened, in order. */
  public List<String> tunnelledTo() {
    return List.copyOf(tunnelledTo);
  }

  /** The {@code host:port} of each plain-HTTP request forwarded (http:// URLs), in order. */
  public List<String> forwardedTo() {
    return List.copyOf(forwardedTo);
  }

  /** Every {@code Proxy-Authorization} header value received, in order. */
  public List<String> proxyAuthorizations() {
    return List.copyOf(proxyAuthorizations);
  }

  /** Every request head received in clear (request line and headers). */
  public List<String> heads() {
    return List.copyOf(heads);
  }

  /** The first {@link #MAX_CAPTURED_BYTES} clients sent through tunnels, as ISO-8859-1 text. */
  public String capturedTunnelTraffic() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!tunnels.tryAcquire()) {
        answerAndClose(client, "503 Service Unavailable");
        continue;
      }
      open.add(client);
      try {
        threads.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        tunnels.release();
        closeQuietly(client);
      }
    }
  }

  private void serve(Socket client) {
    Socket target = null;
    try {
      client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
      InputStream in = client.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      heads.add(head);
      String[] lines = head.split("\r\n");
      String[] request = lines[0].split(" ");
      String authorization = header(lines, "proxy-authorization");
      if (authorization != null) {
        proxyAuthorizations.add(authorization);
      }
      if (request.length != 3) {
        answer(client, "400 Bad Request");
        return;
      }
      if (basicCredentials != null && !basicCredentials.equals(authorization)) {
        answer(
            client,
            "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test-proxy\""
                + "\r\nConnection: close");
        return;
      }
      if (!request[0].equals("CONNECT")) {
        forward(client, request, lines);
        return;
      }
      String authority = request[1];
      int colon = authority.lastIndexOf(':');
      String host = authority.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      target = new Socket();
      open.add(target);
      target.connect(
          new InetSocketAddress(host, Integer.parseInt(authority.substring(colon + 1))), 5_000);
      tunnelledTo.add(authority);
      answer(client, "200 Connection Established");
      Socket upstream = target;
      threads.execute(() -> pipe(upstream, client, false));
      pipe(client, target, true);
    } catch (IOException | RuntimeException e) {
      // the client or target went away: the tunnel ends
    } finally {
      closeQuietly(client);
      if (target != null) {
        closeQuietly(target);
      }
      tunnels.release();
    }
  }

  /**
   * Forwards one plain-HTTP request in absolute form ({@code GET http://host:port/path}), with its
   * {@code Content-Length} body if it has one (up to {@link #MAX_FORWARDED_BODY_BYTES}), as proxies
   * do for http:// URLs, then closes both connections.
   */
  private void forward(Socket client, String[] request, String[] lines) throws IOException {
    java.net.URI uri = java.net.URI.create(request[1]);
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      answer(client, "400 Bad Request");
      return;
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    StringBuilder head = new StringBuilder();
    head.append(request[0])
        .append(' ')
        .append(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
        .append(' ')
        .append(request[2])
        .append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).trim();
      if (!name.equalsIgnoreCase("proxy-authorization")
          && !name.equalsIgnoreCase("proxy-connection")
          && !name.equalsIgnoreCase("connection")) {
        head.append(lines[i]).append("\r\n");
      }
    }
    head.append("Connection: close\r\n\r\n");
    try (Socket target = new Socket()) {
      open.add(target);
      target.connect(new InetSocketAddress(uri.getHost(), port), 5_000);
      forwardedTo.add(uri.getHost() + ":" + port);
      target.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      String length = header(lines, "content-length");
      if (length != null) {
        long bytes = Long.parseLong(length);
        if (bytes < 0 || bytes > MAX_FORWARDED_BODY_BYTES) {
          answer(client, "413 Content Too Large");
          return;
        }
        target.getOutputStream().write(client.getInputStream().readNBytes((int) bytes));
      }
      target.getOutputStream().flush();
      InputStream in = target.getInputStream();
      String response = readHead(in);
      if (response == null) {
        answer(client, "502 Bad Gateway");
        return;
      }
      StringBuilder answer = new StringBuilder();
      for (String line : response.split("\r\n")) {
        if (!line.regionMatches(true, 0, "connection:", 0, "connection:".length())
            && !line.regionMatches(true, 0, "keep-alive:", 0, "keep-alive:".length())) {
          answer.append(line).append("\r\n");
        }
      }
      answer.append("Connection: close\r\n\r\n");
      OutputStream out = client.getOutputStream();
      out.write(answer.toString().getBytes(StandardCharsets.ISO_8859_1));
      in.transferTo(out);
      out.flush();
    } finally {
      open.removeIf(Socket::isClosed);
    }
  }

  private void pipe(Socket from, Socket to, boolean capture) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (capture) {
          synchronized (captured) {
            captured.write(buffer, 0, Math.min(n, MAX_CAPTURED_BYTES - captured.size()));
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** The head up to the blank line, or null when the client closed first or sent too much. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (head.size() < MAX_HEAD_BYTES) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == end.length) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - end.length);
      }
    }
    return null;
  }

  private static String header(String[] lines, String lowerName) {
    List<String> values = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0
          && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerName)) {
        values.add(lines[i].substring(colon + 1).trim());
      }
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static void answer(Socket client, String statusAndHeaders) throws IOException {
    OutputStream out = client.getOutputStream();
    out.write(
        ("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void answerAndClose(Socket client, String status) {
    try (client) {
      answer(client, status + "\r\nConnection: close");
    } catch (IOException e) {
      // the client went away
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    open.forEach(this::closeQuietly);
    threads.shutdownNow();
  }
}
