package dev.tonnage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlimPodStoreTest {

  private final Pod full = load("/audit/pod-full.yaml");
  private final Pod slim = SlimPodStore.slim(full);

  @Test
  void keepsWhatTheAuditReads() {
    assertThat(slim.getMetadata().getName()).isEqualTo("web-6d4cf56db6-x2k9p");
    assertThat(slim.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(slim.getMetadata().getUid()).isEqualTo(full.getMetadata().getUid());
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("4410927");
    assertThat(slim.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
    assertThat(slim.getMetadata().getOwnerReferences())
        .isEqualTo(full.getMetadata().getOwnerReferences());
    assertThat(slim.getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("app");
              assertThat(c.getImage()).isEqualTo("ghcr.io/acme/web:1.4");
              assertThat(c.getEnv()).isEmpty();
            });
    assertThat(slim.getSpec().getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(slim.getSpec().getAffinity().getNodeAffinity())
        .isEqualTo(full.getSpec().getAffinity().getNodeAffinity());
    assertThat(slim.getSpec().getAffinity().getPodAntiAffinity()).isNull();
    assertThat(slim.getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  void theAuditGroupsASlimPodExactlyAsTheFullOne() {
    WorkloadGrouper grouper = new WorkloadGrouper((kind, ns, name) -> List.of());
    AuditedWorkload fromSlim = grouper.group(List.of(slim)).get(0);
    AuditedWorkload fromFull = grouper.group(List.of(full)).get(0);
    assertThat(fromSlim.ref()).isEqualTo(fromFull.ref());
    assertThat(fromSlim.labels()).isEqualTo(fromFull.labels());
    assertThat(fromSlim.containers()).isEqualTo(fromFull.containers());
  }

  @Test
  void storesAFractionOfTheBytes() {
    int fullBytes = Serialization.asJson(full).length();
    int slimBytes = Serialization.asJson(slim).length();
    assertThat(slimBytes).isLessThan(fullBytes / 5).isLessThan(1024);
  }

  @Test
  void theStoreKeysByNamespaceAndNameAndHoldsTheSlimCopy() {
    SlimPodStore store = new SlimPodStore();
    String key = store.getKey(full);
    assertThat(key).isEqualTo("shop/web-6d4cf56db6-x2k9p");
    store.put(key, full);
    assertThat(store.get(key)).isEqualTo(slim);
    assertThat(store.size()).isOne();
    assertThat(store.remove(key)).isEqualTo(slim);
    assertThat(store.values()).isEmpty();
  }

  private static Pod load(String resource) {
    try (InputStream in = SlimPodStoreTest.class.getResourceAsStream(resource)) {
      return Serialization.unmarshal(in, Pod.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
