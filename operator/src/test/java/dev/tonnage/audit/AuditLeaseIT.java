package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@EnableKubernetesMockClient(crud = true)
class AuditLeaseIT {

  private static final AuditLease.Timing FAST =
      new AuditLease.Timing(
          Duration.ofMillis(1000), Duration.ofMillis(700), Duration.ofMillis(100));

  static KubernetesClient client;
  static KubernetesMockServer server;

  private final List<Boolean> leadership = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger leaseLogger = (Logger) LoggerFactory.getLogger(AuditLease.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    leaseLogger.addAppender(logs);
    leaseLogger.setLevel(Level.INFO);
  }

  @AfterEach
  void releaseLogs() {
    leaseLogger.detachAppender(logs);
  }

  @Test
  void aLeaseThatCannotBeTakenIsOneLogLineAMinuteWithoutAStackTraceAndCounted() {
    server
        .expect()
        .post()
        .withPath("/apis/coordination.k8s.io/v1/namespaces/missing/leases")
        .andReturn(
            404,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("NotFound")
                .withMessage("namespaces \"missing\" not found")
                .withCode(404)
                .build())
        .always();
    try (AuditLease lease = lease("missing", "replica-a")) {
      lease.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> failures.get() >= 10);

      assertThat(lease.leading()).isFalse();
      assertThat(leadership).containsOnly(false);
    }
    List<ILoggingEvent> warnings =
        logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getThrowableProxy()).isNull();
    assertThat(warnings.get(0).getFormattedMessage())
        .contains("cannot take the audit Lease missing/tonnage-audit")
        .contains("HTTP 404 namespaces \"missing\" not found");
  }

  @Test
  void aReplicaThatLostTheLeaseTakesItAgainOnceItIsFree() {
    try (AuditLease lease = lease("default", "replica-a")) {
      lease.start();
      await().atMost(Duration.ofSeconds(10)).until(lease::leading);

      // Another holder renews the Lease for a while: this replica must step down...
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                takeOver("intruder");
                return !lease.leading();
              });
      // ...and, once the intruder stops renewing, take the Lease back without a restart.
      await().atMost(Duration.ofSeconds(10)).until(lease::leading);

      assertThat(leadership).containsSubsequence(false, true, false, true);
      assertThat(
              client
                  .leases()
                  .inNamespace("default")
                  .withName("tonnage-audit")
                  .get()
                  .getSpec()
                  .getHolderIdentity())
          .isEqualTo("replica-a");
    }
  }

  /**
   * Writes another holder into the Lease; a lost race with the renewal is tried at the next poll.
   */
  private void takeOver(String holder) {
    try {
      editHolder(holder);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void editHolder(String holder) {
    client
        .leases()
        .inNamespace("default")
        .withName("tonnage-audit")
        .edit(
            l -> {
              l.getSpec().setHolderIdentity(holder);
              l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
              return l;
            });
  }

  private AuditLease lease(String namespace, String identity) {
    return new AuditLease(
        client,
        namespace,
        "tonnage-audit",
        identity,
        FAST,
        new AuditLease.Listener() {
          @Override
          public void leading(boolean leading) {
            leadership.add(leading);
          }

          @Override
          public void failed() {
            failures.incrementAndGet();
          }
        },
        Clock.systemUTC());
  }
}
