package dev.tonnage.admission;

import dev.tonnage.policy.CompiledPolicy;
import java.util.List;

/** The compiled policies in force, from a cache: no API call per review. */
@FunctionalInterface
public interface PolicySource {

  /** Every ClusterImagePolicy and the ImagePolicies of {@code namespace}. */
  List<CompiledPolicy> policiesFor(String namespace);
}
