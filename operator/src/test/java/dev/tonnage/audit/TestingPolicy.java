package dev.tonnage.audit;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * A cluster-scoped stand-in policy resource for reconciler tests on the mock server: one size
 * limit, and a switch that makes its spec fail to compile the way a bad glob does.
 */
@Group("testing.tonnage.dev")
@Version("v1")
@Plural("testingpolicies")
public class TestingPolicy extends CustomResource<TestingPolicy.Spec, TestingPolicy.Status> {

  public static TestingPolicy of(String name, long maxCompressedBytes) {
    TestingPolicy policy = new TestingPolicy();
    policy.getMetadata().setName(name);
    Spec spec = new Spec();
    spec.maxCompressedBytes = maxCompressedBytes;
    policy.setSpec(spec);
    return policy;
  }

  public static class Spec {
    public long maxCompressedBytes;
    public String badGlob;
  }

  public static class Status {
    public Long observedGeneration;
    public List<Condition> conditions;
    public String lastAuditTime;
    public AuditStatus.Summary summary;
    public List<String> violations;
  }
}
