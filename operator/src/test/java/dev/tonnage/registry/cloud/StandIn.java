package dev.tonnage.registry.cloud;

import dev.tonnage.testing.tls.CertificateAuthority;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A local stand-in for a cloud token service (metadata server, Entra ID authority): answers with
 * {@code answer} and records every request.
 */
final class StandIn implements AutoCloseable {

  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final MockWebServer server = new MockWebServer();
  volatile Function<RecordedRequest, MockResponse> answer;

  private StandIn(Function<RecordedRequest, MockResponse> answer, CertificateAuthority tls)
      throws Exception {
    this.answer = answer;
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            return StandIn.this.answer.apply(request);
          }
        });
    if (tls != null) {
      char[] password = UUID.randomUUID().toString().toCharArray();
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(
          tls.issueServerCertificate("127.0.0.1", List.of("localhost"), List.of("127.0.0.1"))
              .toKeyStore(password),
          password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      server.useHttps(context.getSocketFactory());
    }
    server.start();
  }

  /** Plain HTTP, as a metadata server. */
  static StandIn http(Function<RecordedRequest, MockResponse> answer) throws Exception {
    return new StandIn(answer, null);
  }

  /** HTTPS with a certificate from {@code ca} for 127.0.0.1. */
  static StandIn https(CertificateAuthority ca, Function<RecordedRequest, MockResponse> answer)
      throws Exception {
    return new StandIn(answer, ca);
  }

  String hostPort() {
    return "127.0.0.1:" + server.getPort();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
