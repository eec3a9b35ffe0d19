package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.policy.ContainerImage;
import dev.tonnage.registry.Platform;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadGrouperTest {

  private final TestingCluster cluster = TestingCluster.fromResource("/audit/cluster.yaml");
  private final Map<String, AuditedWorkload> workloads =
      new WorkloadGrouper(cluster)
          .group(cluster.pods(null)).stream()
              .collect(Collectors.toMap(w -> w.ref().toString(), Function.identity()));

  @Test
  void podsOfEveryReplicaSetOfADeploymentAreOneWorkloadNamedAfterTheDeployment() {
    AuditedWorkload web = workloads.get("shop/Deployment/web");
    assertThat(web.ref())
        .isEqualTo(
            new WorkloadRef(
                "apps/v1", "Deployment", "shop", "web", "7f0c1f2a-0000-4000-8000-00000000d001"));
    assertThat(web.podCount()).isEqualTo(3);
  }

  @Test
  void aWorkloadMidRolloutListsEachDistinctContainerImageOnceInitContainersIncluded() {
    assertThat(workloads.get("shop/Deployment/web").containers())
        .containsExactly(
            new ContainerImage("migrate", ContainerImage.Type.INIT, "ghcr.io/acme/migrate:1.2"),
            new ContainerImage("app", ContainerImage.Type.CONTAINER, "ghcr.io/acme/web:1.4"),
            new ContainerImage("proxy", ContainerImage.Type.CONTAINER, "envoyproxy/envoy:v1.29.0"),
            new ContainerImage("app", ContainerImage.Type.CONTAINER, "ghcr.io/acme/web:1.5"));
  }

  @Test
  void aJobPodIsGroupedUnderItsCronJob() {
    assertThat(workloads).containsKey("shop/CronJob/report");
    assertThat(workloads.get("shop/CronJob/report").ref().apiVersion()).isEqualTo("batch/v1");
  }

  @Test
  void statefulSetDaemonSetAndReplicationControllerOwnTheirPodsDirectly() {
    assertThat(workloads)
        .containsKeys(
            "shop/StatefulSet/db",
            "monitoring/DaemonSet/node-exporter",
            "monitoring/ReplicationController/legacy");
  }

  @Test
  void aPodWithoutOwnerIsItsOwnWorkloadAndItsEphemeralContainersCount() {
    AuditedWorkload debug = workloads.get("default/Pod/debug");
    assertThat(debug.ref().uid()).isEqualTo("1d6f6d0e-0000-4000-8000-000000000601");
    assertThat(debug.containers())
        .extracting(ContainerImage::type)
        .containsExactly(ContainerImage.Type.CONTAINER, ContainerImage.Type.EPHEMERAL);
  }

  @Test
  void aReplicaSetMissingFromTheCacheIsReportedAsTheWorkloadRatherThanDropped() {
    assertThat(workloads).containsKey("default/ReplicaSet/api-5f7d9c8b4");
  }

  @Test
  void finishedPodsRunNothingAndAreLeftOut() {
    assertThat(workloads.values())
        .flatExtracting(AuditedWorkload::containers)
        .extracting(ContainerImage::image)
        .doesNotContain("ghcr.io/acme/report:2024.05");
  }

  @Test
  void theFirstPodGivesTheWorkloadItsLabelsAndSchedulingConstraints() {
    AuditedWorkload web = workloads.get("shop/Deployment/web");
    assertThat(web.labels()).containsEntry("app", "web");
    assertThat(web.platforms().admits(Platform.parse("linux/amd64"))).isTrue();
    assertThat(web.platforms().admits(Platform.parse("linux/arm64"))).isFalse();
  }

  @Test
  void sevenRunningWorkloadsComeOutOfElevenPods() {
    assertThat(workloads.keySet())
        .containsExactlyInAnyOrder(
            "shop/Deployment/web",
            "shop/CronJob/report",
            "shop/StatefulSet/db",
            "monitoring/DaemonSet/node-exporter",
            "monitoring/ReplicationController/legacy",
            "default/Pod/debug",
            "default/ReplicaSet/api-5f7d9c8b4");
  }
}
