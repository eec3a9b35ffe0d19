package dev.tonnage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemeClientsTest {
  private static final HttpUrl PLAIN = HttpUrl.get("http://127.0.0.1:5000/v2/");
  private static final HttpUrl TLS = HttpUrl.get("https://registry.example/v2/");

  @Test
  void plainHttpUsesACleartextOnlyClientWithNoTlsSetUp() {
    SchemeClients clients = new SchemeClients(new OkHttpClient.Builder(), null);
    OkHttpClient plain = clients.forUrl(PLAIN);

    assertThat(plain.connectionSpecs()).containsExactly(ConnectionSpec.CLEARTEXT);
    assertThatThrownBy(plain::sslSocketFactory).isInstanceOf(IllegalStateException.class);
    clients.close();
  }

  @Test
  void httpsGetsOneTlsClientSharingThePoolAndDispatcher() {
    SchemeClients clients = new SchemeClients(new OkHttpClient.Builder(), null);
    OkHttpClient plain = clients.forUrl(PLAIN);
    OkHttpClient tls = clients.forUrl(TLS);

    assertThat(tls.connectionSpecs())
        .isEqualTo(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT));
    assertThat(tls.sslSocketFactory()).isNotNull();
    assertThat(tls.connectionPool()).isSameAs(plain.connectionPool());
    assertThat(tls.dispatcher()).isSameAs(plain.dispatcher());
    assertThat(clients.forUrl(TLS)).isSameAs(tls);
    clients.close();
  }

  @Test
  void configuredCaBundlesAreTheTlsClientsTrust(@TempDir Path dir) throws Exception {
    TrustBundle trust = TrustBundle.of(List.of(TestTls.create().writePem(dir)));
    SchemeClients clients = new SchemeClients(new OkHttpClient.Builder(), trust);

    assertThat(clients.forUrl(TLS).x509TrustManager()).isSameAs(trust.trustManager());
    clients.close();
  }
}
