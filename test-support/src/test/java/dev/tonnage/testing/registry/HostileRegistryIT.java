package dev.tonnage.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.testing.image.Gzip;
import dev.tonnage.testing.image.Sha256;
import dev.tonnage.testing.tls.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostileRegistryIT {

  @TempDir Path dir;

  @Test
  void servesRealBytesButForgesTheTrailerOfARangeRead() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("hostile IT");
    byte[] layer = Gzip.compress("hello".getBytes(StandardCharsets.UTF_8));
    String digest = Sha256.digest(layer);
    try (HostileRegistry hostile = HostileRegistry.start(ca, dir.resolve("ca.pem"))) {
      hostile.forgeGzipTrailer(digest, layer, 0x01020304);
      HttpClient http = HttpClient.newBuilder().sslContext(ca.clientSslContext()).build();
      URI blob = URI.create("https://" + hostile.hostPort() + "/v2/team/app/blobs/" + digest);

      byte[] whole =
          http.send(HttpRequest.newBuilder(blob).build(), HttpResponse.BodyHandlers.ofByteArray())
              .body();
      HttpResponse<byte[]> tail =
          http.send(
              HttpRequest.newBuilder(blob).header("Range", "bytes=-4").build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(Sha256.digest(whole)).isEqualTo(digest);
      assertThat(tail.statusCode()).isEqualTo(206);
      assertThat(tail.body()).containsExactly(4, 3, 2, 1);
      assertThat(Files.readString(hostile.caFile())).contains("BEGIN CERTIFICATE");
    }
  }

  @Test
  void anIndexServesEveryChildManifestAndAHugeChallengeIsSentAsIs() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("hostile IT");
    try (HostileRegistry hostile = HostileRegistry.start(ca, dir.resolve("ca.pem"))) {
      hostile.putIndex("many/app", "1", 3);
      hostile.putImage("base/app", "1", List.of(hostile.emptyLayer()), Map.of("a", "b"), Map.of());
      hostile.behave("locked/app", new HostileRegistry.HugeChallenge(10_000));
      HttpClient http = HttpClient.newBuilder().sslContext(ca.clientSslContext()).build();
      String base = "https://" + hostile.hostPort() + "/v2/";

      String index =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "many/app/manifests/1")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String child = index.substring(index.indexOf("sha256:"), index.indexOf("sha256:") + 71);
      HttpResponse<String> childManifest =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "many/app/manifests/" + child)).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<Void> locked =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "locked/app/manifests/1")).build(),
              HttpResponse.BodyHandlers.discarding());

      assertThat(index.split("\"platform\"")).hasSize(4);
      assertThat(childManifest.statusCode()).isEqualTo(200);
      assertThat(Sha256.digest(childManifest.body().getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(child);
      assertThat(locked.statusCode()).isEqualTo(401);
      assertThat(locked.headers().firstValue("WWW-Authenticate").orElseThrow())
          .hasSizeGreaterThan(10_000);
    }
  }
}
