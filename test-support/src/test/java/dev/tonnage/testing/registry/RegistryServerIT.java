package dev.tonnage.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonnage.testing.PrintComponentLogsOnFailure;
import dev.tonnage.testing.image.FetchedManifest;
import dev.tonnage.testing.image.ImageBuilder;
import dev.tonnage.testing.image.ImageSpec;
import dev.tonnage.testing.image.ManifestFormat;
import dev.tonnage.testing.image.MediaTypes;
import dev.tonnage.testing.image.PushedImage;
import dev.tonnage.testing.image.RegistryClient;
import dev.tonnage.testing.image.RegistryResponseException;
import dev.tonnage.testing.tls.TrustedCertificates;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(PrintComponentLogsOnFailure.class)
class RegistryServerIT {

  private RegistryServer registry;

  @AfterEach
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RegistryMode.class)
  void pushesAManifestAndReadsTheSameBytesBack(RegistryMode mode) {
    registry = RegistryServer.start(mode);

    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed =
          images.push("team/app:1.0", ManifestFormat.OCI, ImageSpec.singleLayer("app.txt", "hi"));
      FetchedManifest fetched = images.client().manifest("team/app", "1.0");

      assertThat(fetched.digest()).isEqualTo(pushed.digest());
      assertThat(fetched.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(pushed.reference()).isEqualTo(registry.hostPort() + "/team/app:1.0");
    }
    assertThat(registry.baseUrl())
        .startsWith(mode.usesTls() ? "https://127.0.0.1:" : "http://127.0.0.1:");
    assertThat(registry.caCertificateFile() == null).isEqualTo(mode == RegistryMode.PLAIN);
    assertThat(registry.username() == null).isEqualTo(!mode.requiresCredentials());
  }

  @Test
  void basicModeRefusesAnonymousClients() {
    registry = RegistryServer.start(RegistryMode.BASIC);

    try (RegistryClient anonymous = RegistryClient.anonymous(registry)) {
      assertThatThrownBy(() -> anonymous.tags("team/app"))
          .isInstanceOf(RegistryResponseException.class)
          .extracting(e -> ((RegistryResponseException) e).status())
          .isEqualTo(401);
    }
  }

  @Test
  void tokenModeLetsAnonymousPullOnlyPublicRepositories() {
    registry = RegistryServer.start(RegistryMode.TOKEN);
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      images.push("public/base:1", ImageSpec.singleLayer("a", "public"));
      images.push("private/app:1", ImageSpec.singleLayer("a", "private"));
    }

    try (RegistryClient anonymous = RegistryClient.anonymous(registry)) {
      assertThat(anonymous.manifest("public/base", "1").content()).isNotEmpty();
      assertThatThrownBy(() -> anonymous.manifest("private/app", "1"))
          .isInstanceOf(RegistryResponseException.class)
          .extracting(e -> ((RegistryResponseException) e).status())
          .isEqualTo(401);
      assertThatThrownBy(
              () ->
                  anonymous.putManifest(
                      "public/base", "2", MediaTypes.OCI_MANIFEST, "{}".getBytes()))
          .isInstanceOf(RegistryResponseException.class);
    }
  }

  @Test
  void tokenServerIssuesRs256JwtsWithTheRequestedAccessAndCountsRequests() throws Exception {
    registry = RegistryServer.start(RegistryMode.TOKEN);
    TokenServer tokens = registry.tokenServer();
    String url =
        tokens.realm() + "?service=" + tokens.service() + "&scope=repository:team/app:pull,push";

    String body;
    try (Response response =
        httpClient()
            .newCall(
                new Request.Builder()
                    .url(url)
                    .header(
                        "Authorization",
                        Credentials.basic(registry.username(), registry.password()))
                    .build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
      body = response.body().string();
    }

    String token = new ObjectMapper().readTree(body).path("token").asText();
    JsonWebToken jwt = JsonWebToken.parse(token);
    assertThat(body).contains("\"access_token\"", "\"expires_in\":300", "\"issued_at\"");
    assertThat(jwt.verifiesWith(jwt.signingCertificate().getPublicKey())).isTrue();
    assertThat(jwt.claims().path("iss").asText()).isEqualTo(tokens.issuer());
    assertThat(jwt.claims().path("aud").asText()).isEqualTo(tokens.service());
    assertThat(jwt.claims().path("sub").asText()).isEqualTo(registry.username());
    assertThat(jwt.claims().path("access").toString())
        .isEqualTo(
            "[{\"type\":\"repository\",\"name\":\"team/app\",\"actions\":[\"pull\",\"push\"]}]");
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(tokens.requests().get(0).user()).isEqualTo(registry.username());
  }

  @Test
  void tokenServerRefusesWrongPasswords() throws Exception {
    registry = RegistryServer.start(RegistryMode.TOKEN);
    TokenServer tokens = registry.tokenServer();
    Request request =
        new Request.Builder()
            .url(tokens.realm() + "?service=" + tokens.service() + "&scope=repository:a:pull")
            .header("Authorization", Credentials.basic(registry.username(), "wrong"))
            .build();

    try (Response response = httpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(401);
    }
    assertThat(tokens.requests()).singleElement().extracting(TokenRequest::status).isEqualTo(401);
  }

  @Test
  void stopKeepsTheStorageAndRestartServesItAgainOnTheSamePort() {
    registry = RegistryServer.start(RegistryMode.TLS);
    String hostPort = registry.hostPort();
    try (ImageBuilder images = ImageBuilder.forRegistry(registry)) {
      PushedImage pushed = images.push("team/app:1", ImageSpec.singleLayer("a", "kept"));

      registry.stop();
      assertThat(registry.isRunning()).isFalse();
      assertThatThrownBy(() -> images.client().manifest("team/app", "1"))
          .isInstanceOf(UncheckedIOException.class);

      registry.restart();
      assertThat(registry.hostPort()).isEqualTo(hostPort);
      assertThat(images.client().manifest("team/app", "1").digest()).isEqualTo(pushed.digest());
    }
  }

  @Test
  void closeStopsTheProcessAndDeletesTheStorage() {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    Path storage = registry.storageDirectory();
    assertThat(Files.isDirectory(storage)).isTrue();

    registry.close();

    assertThat(registry.isRunning()).isFalse();
    assertThat(Files.exists(storage)).isFalse();
    assertThat(registry.logs()).contains("listening on 127.0.0.1:");
    registry = null;
  }

  @Test
  void servesPrometheusMetricsOnItsDebugPort() throws Exception {
    registry = RegistryServer.start(RegistryMode.PLAIN);
    try (RegistryClient client = RegistryClient.forServer(registry)) {
      assertThat(client.tags("nothing-yet")).isEmpty();
    } catch (RegistryResponseException expected) {
      // NAME_UNKNOWN: still counted in the request metrics
    }

    try (Response response =
        new OkHttpClient()
            .newCall(new Request.Builder().url(registry.metricsUrl()).build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).contains("registry_http_requests_total");
    }
  }

  private OkHttpClient httpClient() {
    X509TrustManager trust = TrustedCertificates.trustManager(registry.caCertificate());
    return new OkHttpClient.Builder()
        .sslSocketFactory(TrustedCertificates.sslContext(trust).getSocketFactory(), trust)
        .build();
  }
}
