package dev.tonnage.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CertificateSecretIT {

  static KubernetesClient client;

  private static final List<String> NAMES = List.of("127.0.0.1", "tonnage.tonnage.svc");

  private CertificateSecret secret(Clock clock, List<String> names) {
    return new CertificateSecret(client, "tonnage", "tonnage-webhook-tls", names, clock);
  }

  @Test
  void createsTheSecretOnceAndThenReadsIt() {
    CertificateSecret.Issued first = secret(Clock.systemUTC(), NAMES).ensure();
    CertificateSecret.Issued second = secret(Clock.systemUTC(), NAMES).ensure();

    assertThat(second.serving().leaf()).isEqualTo(first.serving().leaf());
    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    Secret stored = client.secrets().inNamespace("tonnage").withName("tonnage-webhook-tls").get();
    assertThat(stored.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(stored.getData()).containsOnlyKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
    assertThat(first.caBundlePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(first.ca().issued(first.serving().leaf())).isTrue();
  }

  @Test
  void replicasStartingTogetherAgreeOnOnePair() throws Exception {
    client.secrets().inNamespace("tonnage").withName("tonnage-webhook-tls").delete();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<CertificateSecret.Issued> replica = () -> secret(Clock.systemUTC(), NAMES).ensure();
      List<Future<CertificateSecret.Issued>> results =
          pool.invokeAll(List.of(replica, replica, replica, replica));
      CertificateSecret.Issued stored = secret(Clock.systemUTC(), NAMES).ensure();
      for (Future<CertificateSecret.Issued> result : results) {
        // Every replica ends with the CA that the Secret keeps: caBundle is one for all.
        assertThat(result.get().ca().certificate()).isEqualTo(stored.ca().certificate());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void renewsANearlyExpiredServingCertificateWithTheSameCa() {
    client.secrets().inNamespace("tonnage").withName("tonnage-webhook-tls").delete();
    CertificateSecret.Issued first = secret(Clock.systemUTC(), NAMES).ensure();
    Clock nearExpiry = Clock.fixed(Instant.now().plus(Duration.ofDays(350)), ZoneOffset.UTC);
    CertificateSecret.Issued renewed = secret(nearExpiry, NAMES).ensure();

    assertThat(renewed.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(renewed.serving().leaf()).isNotEqualTo(first.serving().leaf());
    assertThat(secret(nearExpiry, NAMES).ensure().serving().leaf())
        .isEqualTo(renewed.serving().leaf());
  }

  @Test
  void reissuesWhenTheCertificateDoesNotCoverANewName() throws Exception {
    client.secrets().inNamespace("tonnage").withName("tonnage-webhook-tls").delete();
    CertificateSecret.Issued first = secret(Clock.systemUTC(), NAMES).ensure();
    CertificateSecret.Issued wider =
        secret(Clock.systemUTC(), List.of("127.0.0.1", "tonnage.tonnage.svc", "10.1.2.3")).ensure();
    assertThat(wider.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(wider.serving().leaf().getSubjectAlternativeNames())
        .extracting(e -> String.valueOf(e.get(1)))
        .contains("10.1.2.3", "127.0.0.1", "tonnage.tonnage.svc");
  }

  @Test
  void replacesASecretThatHoldsNoUsablePair() {
    client.secrets().inNamespace("tonnage").withName("tonnage-webhook-tls").delete();
    client
        .secrets()
        .inNamespace("tonnage")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("tonnage-webhook-tls")
                .withNamespace("tonnage")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "bm90IGEgY2VydA==", "tls.key", "bm90IGEga2V5"))
                .build())
        .create();
    CertificateSecret.Issued issued = secret(Clock.systemUTC(), NAMES).ensure();
    assertThat(issued.ca().issued(issued.serving().leaf())).isTrue();
    assertThat(secret(Clock.systemUTC(), NAMES).ensure().serving().leaf())
        .isEqualTo(issued.serving().leaf());
  }
}
