package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonnage.api.v1alpha1.ClusterImagePolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodChangeEventSourceTest {

  private final ResourceID slim = new ResourceID("slim");
  private final ResourceID team = new ResourceID("team", "shop");
  private final List<ResourceID> triggered = new ArrayList<>();
  private final AtomicInteger sweeps = new AtomicInteger();
  // The window is an hour so that only the test's explicit flush() fires.
  private final TestingCluster cluster = new TestingCluster();
  private final PodChangeEventSource<ClusterImagePolicy> source =
      new PodChangeEventSource<>(
          cluster,
          pod ->
              "shop".equals(pod.getMetadata().getNamespace()) ? Set.of(slim, team) : Set.of(slim),
          (before, after) ->
              "prod".equals(after.getMetadata().getLabels().get("env")) ? Set.of(slim) : Set.of(),
          sweeps::incrementAndGet,
          Duration.ofHours(1));

  @BeforeEach
  void start() {
    source.setEventHandler(event -> triggered.add(event.getRelatedCustomResourceID()));
    source.start();
  }

  @AfterEach
  void stop() {
    source.stop();
  }

  @Test
  void manyPodChangesInOneWindowTriggerEachCoveringPolicyOnce() {
    for (int i = 0; i < 500; i++) {
      source.onAdd(pod("shop", "web-" + i, "ghcr.io/acme/web:1.5", "Pending"));
    }
    source.onDelete(pod("blog", "old", "ghost:5", "Running"), false);
    source.flush();
    assertThat(triggered).containsExactlyInAnyOrder(slim, team);
    assertThat(sweeps).hasValue(1);
  }

  @Test
  void aNamespaceLabelChangeTriggersThePoliciesItReselectsAndOtherChangesNothing() {
    var handler = cluster.namespaceHandlers.get(0);
    handler.onUpdate(
        namespace("shop", Map.of("env", "prod")), namespace("shop", Map.of("env", "prod")));
    source.flush();
    assertThat(triggered).isEmpty();

    handler.onUpdate(namespace("shop", Map.of()), namespace("shop", Map.of("env", "prod")));
    source.flush();
    assertThat(triggered).containsExactly(slim);
  }

  private static Namespace namespace(String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  @Test
  void anEmptyWindowTriggersNothing() {
    source.flush();
    assertThat(triggered).isEmpty();
  }

  @Test
  void statusChangesAloneTriggerNothingButAnImageChangeOrFinishingDoes() {
    Pod pending = pod("blog", "web-1", "ghost:5", "Pending");
    source.onUpdate(pending, pod("blog", "web-1", "ghost:5", "Running"));
    source.flush();
    assertThat(triggered).isEmpty();

    source.onUpdate(pending, pod("blog", "web-1", "ghost:5.1", "Pending"));
    source.flush();
    assertThat(triggered).containsExactly(slim);

    source.onUpdate(pending, pod("blog", "web-1", "ghost:5", "Succeeded"));
    source.flush();
    assertThat(triggered).containsExactly(slim, slim);
  }

  private static Pod pod(String namespace, String name, String image, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
