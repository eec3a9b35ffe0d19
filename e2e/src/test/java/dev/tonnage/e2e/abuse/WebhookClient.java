package dev.tonnage.e2e.abuse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** POSTs bodies to the operator's {@code /validate} over TLS, as the API server would. */
public final class WebhookClient {

  /** The API server gives a webhook 10 s (timeoutSeconds); wait a little longer to see the end. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final URI validate;

  public WebhookClient(SSLContext tls, int webhookPort) {
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.validate = URI.create("https://127.0.0.1:" + webhookPort + "/validate?timeout=10s");
  }

  /** Sends {@code body} as application/json; never throws for a missing answer (status -1). */
  public WebhookAnswer validate(byte[] body) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(validate)
                  .timeout(REQUEST_TIMEOUT)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new WebhookAnswer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          Duration.ofNanos(System.nanoTime() - started));
    } catch (HttpTimeoutException e) {
      return new WebhookAnswer(
          -1,
          "",
          "no answer within " + REQUEST_TIMEOUT,
          Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException e) {
      return new WebhookAnswer(
          -1, "", "request failed: " + e, Duration.ofNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WebhookAnswer(
          -1, "", "interrupted", Duration.ofNanos(System.nanoTime() - started));
    }
  }
}
