package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RegistryErrorsTest {

  private static final PullTarget TARGET = new PullTarget("ghcr.example", "acme/app", null);
  private static final HttpUrl URL =
      HttpUrl.get("https://ghcr.example/v2/acme/app/manifests/1?X-Amz-Signature=secret");

  @Test
  void aRefusedConnectionSaysSoInAFewWords() {
    assertThat(shortCause(new ConnectException("Connection refused")))
        .isEqualTo("cannot connect (Connection refused)");
  }

  @Test
  void thePlainWordsOfACauseAreUsedWhenTheMessageNamesAnAddress() {
    ConnectException okhttp = new ConnectException("Failed to connect to /127.0.0.1:5000");
    okhttp.initCause(new ConnectException("Connection refused"));
    assertThat(shortCause(okhttp)).isEqualTo("cannot connect (Connection refused)");
  }

  @Test
  void aTimedOutConnectionSaysSoInAFewWords() {
    assertThat(shortCause(new SocketTimeoutException("connect timed out")))
        .isEqualTo("timeout (connect timed out)");
  }

  @Test
  void aMessageWithAnAddressIsLeftOutOfTheShortCause() {
    assertThat(shortCause(new ConnectException("Failed to connect to /10.0.0.7:5000")))
        .isEqualTo("cannot connect");
    assertThat(shortCause(new IOException("unexpected end of stream on https://user:pw@x/")))
        .isEqualTo("connection failed");
  }

  @Test
  void anUnknownHostAndAFailedHandshakeAreNamedWithoutTheirDetail() {
    assertThat(shortCause(new UnknownHostException("ghcr.example: Name or service not known")))
        .isEqualTo("cannot resolve host");
    assertThat(
            shortCause(
                new SSLHandshakeException(
                    "PKIX path building failed: sun.security.provider.certpath."
                        + "SunCertPathBuilderException: unable to find valid certification path")))
        .isEqualTo("TLS failed");
  }

  @Test
  void anUnexpectedStatusNamesTheStatus() {
    assertThat(responseCause(503)).isEqualTo("registry failing (HTTP 503)");
    assertThat(responseCause(418)).isEqualTo("unexpected answer (HTTP 418)");
  }

  private static String shortCause(IOException e) {
    RegistryException error = RegistryErrors.fromIOException(TARGET, "manifest 1", URL, e);
    assertThat(error).isInstanceOf(UnavailableException.class);
    return ((UnavailableException) error).shortCause().orElseThrow();
  }

  private static String responseCause(int status) {
    Response response =
        new Response.Builder()
            .request(new Request.Builder().url(URL).build())
            .protocol(Protocol.HTTP_1_1)
            .code(status)
            .message("status")
            .build();
    RegistryException error =
        RegistryErrors.fromResponse(TARGET, "manifest 1", response, new byte[0]);
    assertThat(error).isInstanceOf(UnavailableException.class);
    return ((UnavailableException) error).shortCause().orElseThrow();
  }
}
